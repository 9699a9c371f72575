import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDirectory, readBundle, runBundle } from '../../src/present/bundle.js';

const UMD = `!function(e,t){"object"==typeof exports&&"undefined"!=typeof module?t(exports,require("dep")):t((e=globalThis).tiny={},e.dep)}(this,function(e,d){"use strict";e.twice=function(x){return d.scale*x}});`;

const roots: string[] = [];
function scratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'gmm-bundle-test-'));
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function tinyBundle(root: string, source = UMD): string {
  const path = join(root, 'tiny.min.js');
  writeFileSync(path, source);
  return path;
}

describe('UMD bundles with a code cache', () => {
  it('runs a UMD bundle as CommonJS, with only the dependencies it is given', async () => {
    const root = scratch();
    const files = await readBundle(tinyBundle(root), cacheDirectory(root));
    const bundle = runBundle(files, { dep: { scale: 3 } });
    expect((bundle.exports as { twice(x: number): number }).twice(2)).toBe(6);
    expect(() => runBundle(files, {})).toThrow(/needs dep/);
  });

  it('saves the cache once, and the next run uses it', async () => {
    const root = scratch();
    const dir = cacheDirectory(root)!;
    const path = tinyBundle(root);
    const first = runBundle(await readBundle(path, dir), { dep: { scale: 2 } });
    expect(first.cached).toBe(false);
    first.saveCache();
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^tiny\.min\.js-\w+\.cache$/)]);
    const second = runBundle(await readBundle(path, dir), { dep: { scale: 2 } });
    expect(second.cached).toBe(true);
    expect((second.exports as { twice(x: number): number }).twice(5)).toBe(10);
  });

  it('ignores the cache of a bundle that changed since', async () => {
    const root = scratch();
    const dir = cacheDirectory(root)!;
    const path = tinyBundle(root);
    runBundle(await readBundle(path, dir), { dep: { scale: 2 } }).saveCache();
    tinyBundle(root, UMD.replace('d.scale*x', 'd.scale*x+1'));
    const changed = runBundle(await readBundle(path, dir), { dep: { scale: 2 } });
    expect(changed.cached).toBe(false);
    expect((changed.exports as { twice(x: number): number }).twice(5)).toBe(11);
  });

  it.skipIf(process.getuid === undefined)(
    'uses no cache directory others can write to, or a symlink',
    () => {
      const open = scratch();
      const dir = join(open, `gmm-code-cache-${process.getuid!()}`);
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      expect(cacheDirectory(open)).toBeUndefined();
      const linked = scratch();
      symlinkSync(scratch(), join(linked, `gmm-code-cache-${process.getuid!()}`));
      expect(cacheDirectory(linked)).toBeUndefined();
      expect(cacheDirectory(scratch())).toMatch(/gmm-code-cache-/);
    },
  );
});
