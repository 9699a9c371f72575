import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from './data-error.js';
import { describeFsError } from './read-input.js';

/** Temporary files being written; removed if the process is interrupted. */
const pendingTemporaries = new Set<string>();

/** Removes every temporary file still being written (on SIGINT/SIGTERM or a crash). */
export function removePendingTemporaries(): void {
  for (const path of pendingTemporaries) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
  pendingTemporaries.clear();
}

/** The real path of a file that may not exist yet (its directory resolved through links). */
function realTarget(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const directory = dirname(absolute);
  return join(existsSync(directory) ? realpathSync(directory) : directory, basename(absolute));
}

/**
 * Refuses an output that is the input file (also through a link or "./"), and two
 * outputs that are the same file. `outputs`: option name → path ("-" = stdout).
 */
export function checkOutputPaths(
  outputs: ReadonlyMap<string, string>,
  inputPath: string | undefined,
): void {
  const input = inputPath === undefined ? undefined : realTarget(inputPath);
  const seen = new Map<string, string>();
  for (const [option, path] of outputs) {
    if (path === '-') continue;
    const target = realTarget(path);
    if (target === input) {
      throw new DataError(
        `${option} ${path} is the input file: writing it would destroy your data`,
        'choose another output path',
      );
    }
    const other = seen.get(target);
    if (other !== undefined) {
      throw new DataError(
        `${other} and ${option} both write ${path}`,
        'give each output its own path',
      );
    }
    seen.set(target, option);
    if (existsSync(target) && statSync(target).isDirectory()) {
      throw new DataError(
        `${option} ${path}: is a directory`,
        'give a file path, or use --out-dir',
      );
    }
  }
}

/** Creates an output directory (and parents) if needed. */
export function ensureDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new DataError(
      `${path}: cannot create the directory: ${describeFsError(error)}`,
      'choose a writable directory',
    );
  }
}

/**
 * Writes each file atomically (see writeFileAtomic). The writes are synchronous, so a
 * SIGINT or SIGTERM that arrives meanwhile is handled after the last rename: the run
 * then ends (exit 130 / 143) with complete files, never with partial or temporary ones.
 */
export function writeFilesAtomically(files: readonly { path: string; content: string }[]): void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      removePendingTemporaries();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    for (const { path, content } of files) writeFileAtomic(path, content);
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}

/**
 * Writes a whole file atomically: to a temporary name beside it, then renamed over
 * the target, so a failed or interrupted run leaves no partial file and an existing
 * file is replaced only by a complete one.
 */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = join(
    dirname(resolve(path)),
    `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  pendingTemporaries.add(temporary);
  try {
    writeFileSync(temporary, content, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new DataError(
      `${path}: cannot write: ${describeFsError(error)}`,
      'choose a writable location',
    );
  } finally {
    pendingTemporaries.delete(temporary);
  }
}
