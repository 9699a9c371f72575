/**
 * One private temporary directory for the whole test run: TMPDIR points there, so
 * every scratch directory a test makes (and every temporary file the gmm binary it
 * runs makes) lands in it, and it is removed when the run ends, however tests ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'gmm-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
