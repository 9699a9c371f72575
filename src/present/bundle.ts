import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * A UMD bundle (a package's single-file build) run as CommonJS, with V8's code cache.
 *
 * The cache is what V8 compiled in the last run (the bundle and every function that run
 * reached), so the next run skips most parsing and lazy compilation: ~60-80 ms of a plot.
 * It lives in the OS temp dir, one file per bundle, in a directory only this user can
 * write (checked, else no cache is used). Each file starts with a line naming the
 * bundle's size and mtime, the Node version and the architecture; V8 also rejects data
 * from another V8 version or other flags.
 */

/** What a bundle needs to run: its source and, when usable, the cache of its last run. */
export interface BundleFiles {
  readonly path: string;
  readonly source: string;
  readonly cache: Buffer | undefined;
  /** Where the cache goes (undefined: no safe place for it), and the key it starts with. */
  readonly cachePath: string | undefined;
  readonly cacheKey: string;
}

/** A bundle that has run. */
export interface LoadedBundle {
  readonly exports: unknown;
  /** Whether V8 used the cache (false: none, or it was stale). */
  readonly cached: boolean;
  /** Keeps what V8 compiled so far for the next run, if the cache was missing or stale. */
  saveCache(): void;
}

/**
 * The per-user cache directory under `root`, created if need be, or undefined when it
 * cannot be trusted: another user's directory, a symlink, or one others can write to
 * could feed us code.
 */
export function cacheDirectory(root: string = tmpdir()): string | undefined {
  const uid = process.getuid?.();
  const dir = join(root, `gmm-code-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const info = lstatSync(dir);
    if (!info.isDirectory()) return undefined;
    if (uid !== undefined && (info.uid !== uid || (info.mode & 0o077) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** FNV-1a of a path, so bundles of the same name in two installations keep two caches. */
function pathHash(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

let defaultDirectory: string | null | undefined;

/**
 * Reads a bundle and its cache (if any). The reads are asynchronous, so a caller can
 * start them early and let them overlap other work.
 */
export async function readBundle(path: string, directory?: string): Promise<BundleFiles> {
  if (directory === undefined) {
    defaultDirectory ??= cacheDirectory() ?? null;
    directory = defaultDirectory ?? undefined;
  }
  const [source, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
  const cacheKey = `${info.size} ${info.mtimeMs} ${process.version} ${process.arch}\n`;
  const cachePath =
    directory === undefined
      ? undefined
      : join(directory, `${basename(path)}-${pathHash(path)}.cache`);
  let cache: Buffer | undefined;
  if (cachePath !== undefined) {
    try {
      const data = await readFile(cachePath);
      const keyLength = Buffer.byteLength(cacheKey);
      if (data.toString('utf8', 0, keyLength) === cacheKey) cache = data.subarray(keyLength);
    } catch {
      // No cache yet (or unreadable): compile from source, and save one afterwards.
    }
  }
  return { path, source, cache, cachePath, cacheKey };
}

/**
 * Runs a UMD bundle as CommonJS: `require` answers only the names in `dependencies`.
 * The wrapper stays on the bundle's first line, so stack traces keep its positions.
 */
export function runBundle(files: BundleFiles, dependencies: Record<string, unknown>): LoadedBundle {
  const script = new Script(`(function (exports, module, require) {${files.source}\n})`, {
    filename: files.path,
    cachedData: files.cache,
  });
  const factory = script.runInThisContext() as (
    exports: object,
    module: { exports: object },
    require: (name: string) => unknown,
  ) => void;
  const module = { exports: {} };
  factory(module.exports, module, (name) => {
    if (!Object.hasOwn(dependencies, name)) throw new Error(`${files.path} needs ${name}`);
    return dependencies[name];
  });
  const cached = files.cache !== undefined && script.cachedDataRejected !== true;
  let saved = cached;
  return {
    exports: module.exports,
    cached,
    saveCache() {
      if (saved || files.cachePath === undefined) return;
      saved = true;
      // Written aside, then renamed: a concurrent run reads the old cache or the new one.
      const temporary = `${files.cachePath}.${process.pid}.tmp`;
      try {
        const data = Buffer.concat([Buffer.from(files.cacheKey), script.createCachedData()]);
        writeFileSync(temporary, data, { mode: 0o600 });
        renameSync(temporary, files.cachePath);
      } catch {
        // A cache is an optimisation: a full or read-only temp dir only costs speed.
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing more to do.
        }
      }
    },
  };
}
