import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
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
import { basename, dirname, join, resolve, sep } from 'node:path';
import { forStream } from './visible-text.js';
import { describeFsError } from './file-system.js';
import { GmmError } from '../errors.js';

/** Temporary files being written; removed if the process is interrupted. */
const pendingTemporaries = new Set<string>();

/** A temporary file of ours to remove if the run fails or is interrupted (see main's handlers). */
export function trackTemporary(path: string): void {
  pendingTemporaries.add(path);
}

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
 * Refuses an output that is the input file (also through a link or "./"), two
 * outputs that are the same file, and an output that cannot be written (checked now,
 * not after a long fit). `outputs`: option name → path ("-" = stdout); `outDir` will
 * be created, so only its nearest existing ancestor must be a writable directory.
 */
export function checkOutputPaths(
  outputs: ReadonlyMap<string, string>,
  inputPath: string | undefined,
  outDir?: string,
): void {
  const input = inputPath === undefined ? undefined : realTarget(inputPath);
  const seen = new Map<string, string>();
  for (const [option, path] of outputs) {
    if (path === '-') continue;
    const target = realTarget(path);
    if (target === input) {
      throw new GmmError(
        'data',
        `${option} ${path} is the input file: writing it would destroy your data`,
        'choose another output path',
      );
    }
    const other = seen.get(target);
    if (other !== undefined) {
      throw new GmmError(
        'data',
        `${other} and ${option} both write ${path}`,
        'give each output its own path',
      );
    }
    seen.set(target, option);
    if (existsSync(target) && statSync(target).isDirectory()) {
      throw new GmmError(
        'data',
        `${option} ${path}: is a directory`,
        'give a file path, or use --out-dir',
      );
    }
    checkWritableDirectory(path, outDir);
  }
}

/**
 * The directory `path` will be written in must be a writable directory; under the
 * output directory (created later), its nearest existing ancestor must be.
 */
function checkWritableDirectory(path: string, outDir: string | undefined): void {
  // Walked up as the user wrote it, so the message names what they typed.
  let directory = dirname(path);
  const underOutDir =
    outDir !== undefined &&
    (resolve(directory) === resolve(outDir) ||
      resolve(directory).startsWith(`${resolve(outDir)}${sep}`));
  if (underOutDir) {
    while (!existsSync(directory) && dirname(resolve(directory)) !== resolve(directory)) {
      directory = dirname(directory);
    }
  }
  const [label, hint] = underOutDir
    ? [`--out-dir ${outDir}`, 'choose a writable directory']
    : [`${path}: cannot write`, 'choose a writable location'];
  let problem: string | undefined;
  try {
    if (!statSync(directory).isDirectory()) {
      problem = directory === outDir ? 'is not a directory' : `${directory} is not a directory`;
    } else accessSync(directory, constants.W_OK);
  } catch (error) {
    problem = describeFsError(error);
  }
  if (problem !== undefined) throw new GmmError('data', `${label}: ${problem}`, hint);
}

/** Creates an output directory (and parents) if needed. */
export function ensureDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new GmmError(
      'data',
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

/**
 * Writes each file atomically (see writeFileAtomic): every temporary file is written
 * before the first is renamed into place, so a failure (a full disk, a missing
 * directory) leaves none of them, and no file of a previous run half replaced.
 */
export async function writeFilesAtomically(
  files: readonly { path: string; content: string }[],
): Promise<void> {
  await withSignalCleanup(() => {
    const written: { path: string; temporary: string }[] = [];
    try {
      for (const { path, content } of files) {
        written.push({ path, temporary: writeTemporary(path, content) });
      }
      for (const { path, temporary } of written) renameIntoPlace(temporary, path);
    } finally {
      for (const { temporary } of written) removeTemporary(temporary);
    }
  });
}

function temporaryPathFor(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `content` beside `path` under a temporary name, returned; nothing is left on failure. */
function writeTemporary(path: string, content: string | Uint8Array): string {
  const temporary = temporaryPathFor(path);
  pendingTemporaries.add(temporary);
  try {
    writeFileSync(temporary, content, { flag: 'wx' });
  } catch (error) {
    removeTemporary(temporary);
    throw cannotWrite(path, error);
  }
  return temporary;
}

function renameIntoPlace(temporary: string, path: string): void {
  try {
    renameSync(temporary, path);
  } catch (error) {
    throw cannotWrite(path, error);
  }
  pendingTemporaries.delete(temporary);
}

/** Removes a temporary file if it is still there; a failure to remove it is not the user's problem. */
function removeTemporary(temporary: string): void {
  if (!pendingTemporaries.has(temporary)) return;
  try {
    rmSync(temporary, { force: true });
  } catch {
    // Its directory is gone or unreadable: there is nothing left to remove.
  }
  pendingTemporaries.delete(temporary);
}

function cannotWrite(path: string, error: unknown): GmmError {
  return new GmmError(
    'data',
    `${path}: cannot write: ${describeFsError(error)}`,
    'choose a writable location',
  );
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

export function openOutput(
  path: string,
  stdout: NodeJS.WritableStream & { isTTY?: boolean },
): OutputSink {
  if (path === '-') {
    return {
      async write(text) {
        if (!stdout.write(forStream(stdout, text)))
          await new Promise((done) => stdout.once('drain', done));
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
    removeTemporary(temporary);
    throw cannotWrite(path, error);
  }
  const fail = (error: unknown): never => {
    closeQuietly(fd);
    removeTemporary(temporary);
    throw cannotWrite(path, error);
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
      removeTemporary(temporary);
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
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const temporary = writeTemporary(path, content);
  try {
    renameIntoPlace(temporary, path);
  } finally {
    removeTemporary(temporary);
  }
}
