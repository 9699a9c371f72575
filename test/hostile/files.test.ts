import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFilesAtomically } from '../../src/io/write-output.js';
import {
  expectFailure,
  expectNoCrash,
  fitTwoClusters,
  HOSTILE,
  ROOT,
  runGmm,
  runGmmInProcess,
  runShell,
  scratchDirectory,
  startGmm,
} from './hostile.js';

/** Files: unwritable places, outputs that are the input, closed pipes, interruptions. */

const DATA = `${HOSTILE}/two-clusters.csv`;
const dir = scratchDirectory('files');
const MODEL = fitTwoClusters(dir);
const isRoot = process.getuid?.() === 0;
// The generated files are large (10 MB and more): not left behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything in a directory tree, as relative paths (to see what a failed run left). */
function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

describe('an output location that cannot be written: refused before any work, nothing left', () => {
  // A path through a regular file fails for every user, root included.
  const blocked = join(dir, 'blocked');
  mkdirSync(blocked);
  writeFileSync(join(blocked, 'file.txt'), 'not a directory\n');
  const file = join(blocked, 'file.txt');

  it.each([
    [
      'fit --out-dir under a file',
      ['fit', DATA, '-k', '2', '--out-dir', `${file}/out`],
      `gmm fit: --out-dir ${file}/out: ${file} is not a directory\nhint: choose a writable directory\n`,
    ],
    [
      'fit --out-dir that is a file',
      ['fit', DATA, '-k', '2', '--out-dir', file],
      `gmm fit: --out-dir ${file}: is not a directory\nhint: choose a writable directory\n`,
    ],
    [
      'fit --model under a file, with --out-dir fine',
      ['fit', DATA, '-k', '2', '--out-dir', join(blocked, 'out'), '--model', `${file}/m.json`],
      `gmm fit: ${file}/m.json: cannot write: ${file} is not a directory\nhint: choose a writable location\n`,
    ],
    [
      'select-k --plot under a file',
      ['select-k', DATA, '-k', '1..2', '--plot', `${file}/bic.svg`],
      `gmm select-k: ${file}/bic.svg: cannot write: ${file} is not a directory\nhint: choose a writable location\n`,
    ],
    [
      'predict --labels under a file',
      ['predict', MODEL, DATA, '--labels', `${file}/labels.csv`],
      `gmm predict: ${file}/labels.csv: cannot write: ${file} is not a directory\nhint: choose a writable location\n`,
    ],
    [
      'score --out under a file',
      ['score', MODEL, DATA, '--out', `${file}/scores.csv`],
      `gmm score: ${file}/scores.csv: cannot write: ${file} is not a directory\nhint: choose a writable location\n`,
    ],
    [
      'sample --out under a file',
      ['sample', MODEL, '-n', '10', '--out', `${file}/sample.csv`],
      `gmm sample: ${file}/sample.csv: cannot write: ${file} is not a directory\nhint: choose a writable location\n`,
    ],
    [
      'fit --labels in a directory that does not exist',
      ['fit', DATA, '-k', '2', '--labels', join(blocked, 'missing', 'labels.csv')],
      `gmm fit: ${join(blocked, 'missing', 'labels.csv')}: cannot write: no such file or directory\nhint: choose a writable location\n`,
    ],
  ])('%s', async (_, args, stderr) => {
    expectFailure(await runGmmInProcess(args), 1, stderr);
    expect(listTree(blocked)).toEqual(['file.txt']);
  });

  it.skipIf(isRoot)(
    'a read-only directory (chmod 555); skipped as root, where chmod does not stop writes',
    () => {
      const readOnly = join(dir, 'read-only');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
      try {
        expectFailure(
          runGmm(['fit', DATA, '-k', '2', '--out-dir', readOnly]),
          1,
          `gmm fit: --out-dir ${readOnly}: permission denied\nhint: choose a writable directory\n`,
        );
        expectFailure(
          runGmm(['predict', MODEL, DATA, '--labels', join(readOnly, 'labels.csv')]),
          1,
          `gmm predict: ${join(readOnly, 'labels.csv')}: cannot write: permission denied\nhint: choose a writable location\n`,
        );
        expect(readdirSync(readOnly)).toEqual([]);
      } finally {
        chmodSync(readOnly, 0o755);
      }
    },
  );

  it('when one of several files fails, none is written and no temporary file is left', async () => {
    const target = join(dir, 'all-or-none');
    mkdirSync(target);
    await expect(
      writeFilesAtomically([
        { path: join(target, 'segments.csv'), content: 'a\n' },
        { path: join(file, 'model.json'), content: '{}\n' },
      ]),
    ).rejects.toThrow(expect.objectContaining({ kind: 'data' }));
    expect(readdirSync(target)).toEqual([]);
  });
});

describe('an output that is the input file is refused', () => {
  const input = join(dir, 'input.csv');
  writeFileSync(input, readFileSync(join(ROOT, DATA)));
  symlinkSync(input, join(dir, 'link.csv'));
  const original = readFileSync(input, 'utf8');

  it.each([
    [
      'fit --labels, the same path',
      ['fit', input, '-k', '2', '--labels', input],
      '--labels',
      input,
    ],
    [
      'fit --model, through ./ and ..',
      ['fit', input, '-k', '2', '--model', `${dir}/./sub/../input.csv`],
      '--model',
      `${dir}/./sub/../input.csv`,
    ],
    [
      'fit --labels, through a symbolic link',
      ['fit', input, '-k', '2', '--labels', join(dir, 'link.csv')],
      '--labels',
      join(dir, 'link.csv'),
    ],
    ['select-k --plot', ['select-k', input, '-k', '1..2', '--plot', input], '--plot', input],
    [
      'predict --labels',
      ['predict', MODEL, input, '--labels', join(dir, 'link.csv')],
      '--labels',
      join(dir, 'link.csv'),
    ],
    [
      'score --out',
      ['score', MODEL, input, '--out', `${dir}/./input.csv`],
      '--out',
      `${dir}/./input.csv`,
    ],
    ['sample --out (the model)', ['sample', MODEL, '-n', '5', '--out', MODEL], '--out', MODEL],
  ])('%s', async (_, args, option, path) => {
    const command = args[0];
    expectFailure(
      await runGmmInProcess(args),
      1,
      `gmm ${command}: ${option} ${path} is the input file: writing it would destroy your data\n` +
        'hint: choose another output path\n',
    );
    expect(readFileSync(input, 'utf8')).toBe(original);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a closed pipe downstream ends quietly with exit 0', () => {
  it.each([
    [
      'predict',
      `node bin/gmm.js predict ${MODEL} ${DATA} | head -1`,
      'x,y,segment,p_1,p_2,certainty',
    ],
    ['score', `node bin/gmm.js score ${MODEL} ${DATA} | head -1`, 'x,y,log_density'],
    ['sample', `node bin/gmm.js sample ${MODEL} -n 2000000 | head -1`, 'x,y,segment'],
  ])('%s | head -1', (_, command, firstLine) => {
    const result = runShell(command);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${firstLine}\n`);
    expectNoCrash(result);
    expect(result.stderr).not.toMatch(/EPIPE|error/i);
  });
});

describe('standard output that fails (a full disk) is an error, not a silent loss', () => {
  it.skipIf(!existsSync('/dev/full'))('predict > /dev/full', () => {
    const result = runShell(`node bin/gmm.js predict ${MODEL} ${DATA} > /dev/full`);
    expect(result.stderr).toBe(
      'gmm predict: cannot write to standard output: no space left on the device\n' +
        'hint: check the disk, or where the output is redirected\n',
    );
    expect(result.status).toBe(1);
  });

  it.skipIf(!existsSync('/dev/full'))('fit (the summary) > /dev/full', () => {
    const result = runShell(`node bin/gmm.js fit ${DATA} -k 2 --n-init 2 > /dev/full`);
    expect(result.stderr).toBe(
      'gmm fit: cannot write to standard output: no space left on the device\n' +
        'hint: check the disk, or where the output is redirected\n',
    );
    expect(result.status).toBe(1);
  });
});

describe('interrupted runs leave no temporary or partial file', () => {
  const big = join(dir, 'big.csv');
  const lines = ['x,y,z'];
  for (let i = 0; i < 300_000; i++) {
    lines.push(`${(i % 3) + Math.sin(i)},${Math.cos(i * 0.7)},${(i % 5) + Math.sin(i * 1.3)}`);
  }
  writeFileSync(big, `${lines.join('\n')}\n`);

  it('SIGINT during a long fit: the process ends, the output directory holds nothing', async () => {
    const out = join(dir, 'interrupted-fit');
    const run = startGmm(['fit', big, '-k', '1..10', '--n-init', '30', '--out-dir', out]);
    await new Promise((done) => setTimeout(done, 1000));
    expect(run.child.exitCode).toBeNull(); // still fitting: the signal interrupts real work
    run.child.kill('SIGINT');
    const ended = await run.ended;
    expect(ended.status === 130 || ended.signal === 'SIGINT').toBe(true);
    expect(listTree(out)).toEqual([]);
    expect(run.output().stdout).toBe('');
  });

  it('SIGINT while stdin is still being read (and copied for --labels): the copy is removed', async () => {
    const temporary = join(dir, 'tmp-for-stdin');
    mkdirSync(temporary);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'gmm.js'), 'fit', '-', '-k', '2', '--labels', join(dir, 'never.csv')],
      { cwd: ROOT, env: { ...process.env, TMPDIR: temporary }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const ended = new Promise<number | null>((done) => child.on('close', (status) => done(status)));
    // What is still unwritten when the child is killed fails with EPIPE: expected here.
    child.stdin.on('error', () => undefined);
    child.stdin.write(lines.slice(0, 50_000).join('\n'));
    // the copy appears once the first chunk is read (later on a loaded machine)
    const spooled = () => readdirSync(temporary).filter((f) => f.startsWith('gmm-input-'));
    for (let waited = 0; spooled().length === 0 && waited < 20_000; waited += 100) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(spooled()).toHaveLength(1);
    child.kill('SIGINT');
    expect(await ended).toBe(130);
    expect(readdirSync(temporary)).toEqual([]);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });

  it('SIGINT while predict streams into --labels: no temporary file survives', async () => {
    const out = join(dir, 'interrupted-predict');
    mkdirSync(out);
    const model = fitTwoClusters(out);
    const run = startGmm(['predict', model, big, '--labels', join(out, 'labels.csv')]);
    await new Promise((done) => setTimeout(done, 400));
    run.child.kill('SIGINT');
    const ended = await run.ended;
    const left = listTree(out).filter((f) => f !== 'model.json');
    if (ended.status === 0) {
      // It finished before the signal: then the file is complete.
      expect(left).toEqual(['labels.csv']);
      expect(readFileSync(join(out, 'labels.csv'), 'utf8').split('\n')).toHaveLength(300_002);
    } else {
      expect(ended.status === 130 || ended.signal === 'SIGINT').toBe(true);
      expect(left).toEqual([]);
    }
  });
});
