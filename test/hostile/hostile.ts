import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { ROOT, type RunResult } from '../e2e/run-gmm.js';

export { ROOT, runGmm, runGmmInProcess, runShell, type RunResult } from '../e2e/run-gmm.js';

/** Hostile inputs, relative to the repository root (the binary runs there, so messages name them so). */
export const HOSTILE = 'fixtures/hostile';

/** A fresh directory under the system's temporary directory. */
export function scratchDirectory(label: string): string {
  return mkdtempSync(join(tmpdir(), `gmm-hostile-${label}-`));
}

/** What a stack trace, an uncaught or an unexpected error looks like on stderr. */
const CRASH = [
  /^\s+at .+[:(]\d+:\d+\)?$/m, // a stack frame
  /\b(?:Type|Range|Reference|Syntax|Eval|URI|Internal|Aggregate)?Error\b: /, // a printed Error
  /node:internal|Uncaught|triggerUncaughtException|\[object Object\]/,
  /unexpected error/, // an exception the code did not expect, however politely reported
];

/** stderr holds no stack trace and no uncaught or unexpected error; the exit code is 0, 1 or 2. */
export function expectNoCrash(result: RunResult): void {
  for (const pattern of CRASH) expect(result.stderr).not.toMatch(pattern);
  expect([0, 1, 2]).toContain(result.status);
}

/**
 * A failure as DESIGN.md wants it: exactly the expected stderr (one line
 * `gmm <command>: …`, optionally `hint: …`), the exit code, nothing on stdout.
 */
export function expectFailure(result: RunResult, status: 1 | 2, stderr: string): void {
  expect(result.stderr).toBe(stderr);
  expect(result.status).toBe(status);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^gmm( [a-z-]+)?: /);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
  expectNoCrash(result);
}

/** runGmm with bytes on stdin (invalid UTF-8 and NUL bytes cannot travel in a string). */
export function runGmmBytes(args: readonly string[], input: Uint8Array): RunResult {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'gmm.js'), ...args], {
    cwd: ROOT,
    input,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}

/**
 * The model of fixtures/hostile/two-clusters.csv (x, y; K=2), fitted once for the run by
 * the built binary (test/global-setup.ts), copied into `dir`; returns its path there.
 */
export function fitTwoClusters(dir: string): string {
  const model = join(dir, 'model.json');
  copyFileSync(inject('twoClustersModel'), model);
  return model;
}

/** Runs the binary without waiting; for tests that signal it. */
export function startGmm(args: readonly string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'gmm.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (status, signal) => done({ status, signal })),
  );
  return {
    child,
    ended,
    output: () => ({ stdout, stderr }),
  };
}
