import { plainBytes } from './csv-scan.js';
import { GmmError } from '../errors.js';

/**
 * The text encodings an input may be read in (--encoding). `latin1` is read as
 * TextDecoder reads it, as windows-1252 (the WHATWG Encoding Standard maps the label
 * so): the same characters except 0x80–0x9F, which real Latin-1 files leave unused and
 * Windows exports fill with € ‚ „ … and the like.
 */
export type InputEncoding = 'utf-8' | 'latin1' | 'windows-1252' | 'utf-16le';

export const INPUT_ENCODINGS: readonly InputEncoding[] = [
  'utf-8',
  'latin1',
  'windows-1252',
  'utf-16le',
];

/**
 * Chunks of text in `encoding` as chunks of UTF-8, decoded as they stream (a character
 * cut between chunks is completed by the next; a UTF-16 byte-order mark is dropped),
 * so the CSV scanner behind it reads UTF-8 as always and line numbers are the text's.
 * UTF-8 itself passes through untouched (the scanner checks it).
 */
export async function* decodeToUtf8(
  chunks: AsyncGenerator<Uint8Array>,
  encoding: InputEncoding,
  source: string,
): AsyncGenerator<Uint8Array> {
  if (encoding === 'utf-8') {
    yield* chunks;
    return;
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  let line = 1;
  let afterCr = false;
  const decode = (chunk: Uint8Array | undefined): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw invalidTextError(source, line + linesBeforeInvalid(chunk, encoding, afterCr), encoding);
    }
  };
  try {
    for await (const chunk of chunks) {
      const text = decode(chunk);
      line += countLineBreaks(text, afterCr);
      if (text.length > 0) afterCr = text.charCodeAt(text.length - 1) === 0x0d;
      if (text.length > 0) yield plainBytes(Buffer.from(text, 'utf8'));
    }
    const rest = decode(undefined);
    if (rest.length > 0) yield plainBytes(Buffer.from(rest, 'utf8'));
  } finally {
    await chunks.return(undefined);
  }
}

/**
 * Line breaks as csv-parse counts them: \r, \n, and \r\n once, also when a chunk ends
 * between the two (`afterCr`: the text before ended with \r).
 */
function countLineBreaks(text: string, afterCr: boolean): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const previous = i === 0 ? (afterCr ? 0x0d : 0) : text.charCodeAt(i - 1);
    if (c === 0x0d || (c === 0x0a && previous !== 0x0d)) count++;
  }
  return count;
}

/** The line breaks of a chunk before its first undecodable byte (decoded leniently to find it). */
function linesBeforeInvalid(
  chunk: Uint8Array | undefined,
  encoding: InputEncoding,
  afterCr: boolean,
): number {
  if (chunk === undefined) return 0;
  const text = new TextDecoder(encoding).decode(chunk);
  const bad = text.indexOf('\ufffd');
  return countLineBreaks(bad === -1 ? text : text.slice(0, bad), afterCr);
}

function invalidTextError(source: string, line: number, encoding: InputEncoding): GmmError {
  return new GmmError(
    'data',
    `${source}: line ${line}: is not valid ${encoding.toUpperCase()} text`,
    encoding === 'utf-16le'
      ? 'the file may be cut short, or not UTF-16LE: try --encoding utf-8 or latin1'
      : `check the file's encoding`,
  );
}
