import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
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
 * Runs `work` with SIGINT and SIGTERM handlers that remove every temporary file still
 * being written and end the run (exit 130 / 143), so an interrupted run leaves no
 * partial or temporary file behind.
 */
export async function withSignalCleanup<T>(work: () => T | Promise<T>): Promise<T> {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      removePendingTemporaries();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}

/** Writes each file atomically (see writeFileAtomic), all or none being renamed into place. */
export async function writeFilesAtomically(
  files: readonly { path: string; content: string }[],
): Promise<void> {
  await withSignalCleanup(() => {
    for (const { path, content } of files) writeFileAtomic(path, content);
  });
}

function temporaryPathFor(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * An output written piece by piece: to a temporary file renamed into place by
 * `commit()`, or to stdout ("-") with backpressure. `abort()` removes the temporary file.
 */
export interface OutputSink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): void;
}

export function openOutput(path: string, stdout: NodeJS.WritableStream): OutputSink {
  if (path === '-') {
    return {
      async write(text) {
        if (!stdout.write(text)) await new Promise((done) => stdout.once('drain', done));
      },
      async commit() {},
      abort() {},
    };
  }
  const temporary = temporaryPathFor(path);
  pendingTemporaries.add(temporary);
  let fd: number;
  try {
    fd = openSync(temporary, 'wx');
  } catch (error) {
    pendingTemporaries.delete(temporary);
    throw new DataError(
      `${path}: cannot write: ${describeFsError(error)}`,
      'choose a writable location',
    );
  }
  const fail = (error: unknown): never => {
    closeQuietly(fd);
    rmSync(temporary, { force: true });
    pendingTemporaries.delete(temporary);
    throw new DataError(
      `${path}: cannot write: ${describeFsError(error)}`,
      'choose a writable location',
    );
  };
  return {
    async write(text) {
      try {
        writeSync(fd, text);
      } catch (error) {
        fail(error);
      }
    },
    async commit() {
      try {
        closeSync(fd);
        renameSync(temporary, path);
        pendingTemporaries.delete(temporary);
      } catch (error) {
        fail(error);
      }
    },
    abort() {
      closeQuietly(fd);
      rmSync(temporary, { force: true });
      pendingTemporaries.delete(temporary);
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
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
