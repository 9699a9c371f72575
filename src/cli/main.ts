import { GmmError } from '../errors.js';
import { describeFsError } from '../io/file-system.js';
import { removePendingTemporaries } from '../io/write-output.js';
import type { CommandIo } from '../terminal/terminal.js';
import { describeFailure, EXIT_DATA, EXIT_OK } from './report-error.js';
import { runCli } from './run-cli.js';

/**
 * The process around a run: exit codes, a closed stdout pipe, signals and failures
 * outside the command's promise chain, each ending in one line and no temporary file.
 */
export async function main(argv: string[]): Promise<void> {
  const io: CommandIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
  };
  const state = { command: '' };
  const verbose = argv.includes('--verbose');
  /** Ends the run at once with the one-line report of `error`, leaving no temporary file. */
  const failNow = (error: unknown): never => {
    removePendingTemporaries();
    const failure = describeFailure(state.command, error, verbose);
    io.stderr.write(failure.text);
    process.exit(failure.exitCode);
  };
  // A closed pipe downstream (gmm … | head) is a normal end, not an error; any other
  // failure to write standard output (a full disk) loses the output, so it is one.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      removePendingTemporaries();
      process.exit(EXIT_OK);
    }
    failNow(
      new GmmError(
        'data',
        `cannot write to standard output: ${describeFsError(error)}`,
        'check the disk, or where the output is redirected',
      ),
    );
  });
  // Nothing can be reported when standard error itself fails, but the run did not succeed.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exitCode = EXIT_DATA;
  });
  // Interrupted at any point (reading, fitting, writing): no temporary file is left.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      removePendingTemporaries();
      process.exit(code);
    });
  }
  // A failure outside the command's promise chain (a stream callback) still ends in one line.
  process.on('uncaughtException', failNow);
  process.on('unhandledRejection', failNow);
  const exitCode = await runCli(argv, io, state);
  // A success keeps the failure a broken stderr recorded (above).
  process.exitCode = exitCode === EXIT_OK ? (process.exitCode ?? EXIT_OK) : exitCode;
}
