import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
