import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root; the binary is bin/gmm.js over dist/ (npm test builds first). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MALL = join(ROOT, 'fixtures', 'mall_customers.csv');

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real binary; `input` is piped to its stdin (otherwise stdin is empty, not a TTY). */
export function runGmm(
  args: readonly string[],
  input: string | Buffer = '',
  cwd = ROOT,
): RunResult {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'gmm.js'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a shell pipeline from the repository root (for | head and friends). */
export function runShell(command: string): RunResult {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

type RunCli = typeof import('../../src/cli/run-cli.js').runCli;
let runCli: Promise<RunCli> | undefined;

/** A stream that keeps what is written (never pushing back, as a pipe read to the end). */
function collector(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * The built CLI (dist/, what bin/gmm.js runs) called in this process: the same parsing,
 * pipeline and messages without a node start-up per run, for checks where a separate
 * process adds nothing. Input piped to stdin needs the binary: runGmm is used then. An
 * argument '-' may name standard output here, never standard input.
 */
export async function runGmmInProcess(
  args: readonly string[],
  input: string | Buffer = '',
): Promise<RunResult> {
  if (input.length > 0) return runGmm(args, input);
  runCli ??= import(pathToFileURL(join(ROOT, 'dist', 'cli', 'run-cli.js')).href).then(
    (module: { runCli: RunCli }) => module.runCli,
  );
  const stdout = collector();
  const stderr = collector();
  const status = await (
    await runCli
  )(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...process.env, NO_COLOR: '1' },
    // no file and nothing piped: the binary would read an empty stdin; this says so instead
    stdinIsTTY: true,
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}
