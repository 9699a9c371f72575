import { readFile } from 'node:fs/promises';
import { DataError } from './data-error.js';

export interface InputSource {
  /** What messages call it: the path as given, or "stdin". */
  readonly name: string;
  /** The path read, or undefined for stdin. */
  readonly path: string | undefined;
  readonly bytes: Buffer;
}

/** Reads a path, or standard input for "-". */
export async function readInput(file: string): Promise<InputSource> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: 'stdin', path: undefined, bytes: Buffer.concat(chunks) };
  }
  try {
    return { name: file, path: file, bytes: await readFile(file) };
  } catch (error) {
    throw new DataError(
      `${file}: ${describeFsError(error)}`,
      'check the path, or pass - to read standard input',
    );
  }
}

/** A file-system error in a few words ("no such file", "permission denied"). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
