/**
 * Where UTF-8 goes wrong. TextDecoder only says *that* bytes are invalid; a message
 * must name the line, so this finds the first invalid byte itself (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF).
 */

/**
 * The offset of the first byte that does not start or continue a valid UTF-8
 * sequence, or -1 when every byte does. A sequence cut short by the end of `bytes`
 * counts as invalid only when `complete` (the last chunk of a stream).
 */
export function firstInvalidUtf8(bytes: Uint8Array, complete = true): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return complete ? i : -1;
      const next = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next < min || next > max) return i;
    }
    i += length;
  }
  return -1;
}

/** How many line feeds come before `end` in `bytes`. */
export function countLineFeeds(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) count++;
  return count;
}
