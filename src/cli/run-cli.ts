import { CommanderError } from 'commander';
import type { CommandIo } from '../terminal/terminal.js';
import { buildProgram } from './build-program.js';
import { describeFailure, EXIT_OK, EXIT_USAGE } from './report-error.js';
import { GmmError } from '../errors.js';

/** Commander's own error text ("error: unknown option '--x'\n(Did you mean --y?)") as message + hint. */
function commanderUsageError(error: CommanderError, command: string): GmmError {
  const [first, ...rest] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.join(' ').trim();
  const help = command === '' ? 'gmm --help' : `gmm ${command} --help`;
  return new GmmError(
    'usage',
    first,
    suggestion !== '' ? `${suggestion.replace(/^\(|\)$/g, '')}; see ${help}` : `see ${help}`,
  );
}

/**
 * Parses `argv` and runs the command it names, writing only to `io`; returns the exit
 * code (docs/DESIGN.md, "Errors and exits"). `state.command` tells which command ran.
 * Tests run it in-process where spawning the binary adds nothing.
 */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  state: { command: string } = { command: '' },
): Promise<number> {
  const verbose = argv.includes('--verbose');
  const program = buildProgram({ ...io, argv }, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return EXIT_OK;
      }
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        return EXIT_USAGE;
      }
      io.stderr.write(
        describeFailure(state.command, commanderUsageError(error, state.command), verbose).text,
      );
      return EXIT_USAGE;
    }
    const failure = describeFailure(state.command, error, verbose);
    io.stderr.write(failure.text);
    return failure.exitCode;
  }
}
