import { describe, expect, it } from 'vitest';
import { countLineFeeds, firstInvalidUtf8 } from '../../src/io/utf8.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('firstInvalidUtf8', () => {
  it('accepts ASCII and well-formed sequences of every length', () => {
    expect(firstInvalidUtf8(Buffer.from('plain, "text"\n'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from('naïve € 😀 \u{10ffff}'))).toBe(-1);
  });

  it('finds a latin-1 byte, a stray continuation byte, and bytes UTF-8 never uses', () => {
    expect(firstInvalidUtf8(Buffer.concat([Buffer.from('caf'), bytes(0xe9, 0x2c)]))).toBe(3);
    expect(firstInvalidUtf8(bytes(0x61, 0x80))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xff))).toBe(0);
    expect(firstInvalidUtf8(bytes(0xc0, 0x80))).toBe(0); // overlong NUL
  });

  it('refuses overlong forms, surrogates and code points above U+10FFFF', () => {
    expect(firstInvalidUtf8(bytes(0xe0, 0x80, 0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // U+D800
    expect(firstInvalidUtf8(bytes(0xf0, 0x80, 0x80, 0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // U+110000
  });

  it('a sequence cut off at the end is invalid only in the last chunk', () => {
    const cut = bytes(0x61, 0xe2, 0x82);
    expect(firstInvalidUtf8(cut)).toBe(1);
    expect(firstInvalidUtf8(cut, false)).toBe(-1);
  });
});

describe('countLineFeeds', () => {
  it('counts line feeds before an offset', () => {
    const text = Buffer.from('a\nb\r\nc\n');
    expect(countLineFeeds(text, 0)).toBe(0);
    expect(countLineFeeds(text, 2)).toBe(1);
    expect(countLineFeeds(text, text.length)).toBe(3);
  });
});
