/**
 * One private temporary directory for the whole test run: TMPDIR points there, so
 * every scratch directory a test makes (and every temporary file the gmm binary it
 * runs makes) lands in it, and it is removed when the run ends, however tests ended.
 *
 * The model the hostile tests score against (fixtures/hostile/two-clusters.csv, K=2) is
 * fitted here once, by the built binary, for every test file (hostile.ts, fitTwoClusters).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    twoClustersModel: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'gmm-tests-'));
  process.env.TMPDIR = dir;
  const model = join(dir, 'two-clusters-model.json');
  const root = join(import.meta.dirname, '..');
  const fitted = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'gmm.js'),
      'fit',
      'fixtures/hostile/two-clusters.csv',
      '-k',
      '2',
      '--n-init',
      '4',
      '--model',
      model,
      '-q',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (fitted.status !== 0) throw new Error(`the shared test model failed to fit: ${fitted.stderr}`);
  project.provide('twoClustersModel', model);
  return () => rmSync(dir, { recursive: true, force: true });
}
