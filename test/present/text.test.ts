import { describe, expect, it } from 'vitest';
import { stringifyInert } from '../../src/io/json-text.js';
import { forStream, visibleLines, visibleText } from '../../src/io/visible-text.js';
import { formatValue } from '../../src/present/text.js';

describe('text from the data on a terminal', () => {
  it('shows C0, C1 and bidirectional controls as escapes', () => {
    expect(visibleText('a\u001b[31m\u009b2J\u202eb\u2066')).toBe(
      'a\\x1b[31m\\x9b2J\\u202eb\\u2066',
    );
    expect(visibleText('tab\tline\ncr\r')).toBe('tab\\tline\\ncr\\r');
  });

  it('keeps line feeds and tabs of multi-line output, and data piped elsewhere verbatim', () => {
    expect(visibleLines('a\tb\n\u001b[2Jc\r\n')).toBe('a\tb\n\\x1b[2Jc\\r\n');
    expect(forStream({ isTTY: true }, 'x\u001b\n')).toBe('x\\x1b\n');
    expect(forStream({ isTTY: false }, 'x\u001b\n')).toBe('x\u001b\n');
  });
});

describe('numbers for people', () => {
  it('writes extreme magnitudes with an exponent, not hundreds of digits', () => {
    expect(formatValue(55.87)).toBe('55.87');
    expect(formatValue(1.7112e150)).toBe('1.711e+150');
    expect(formatValue(-2.5e-9)).toBe('-2.5e-9');
    expect(formatValue(1e12)).toBe('1e+12');
    expect(formatValue(Number.NaN)).toBe('—');
  });
});

describe('JSON that is inert on a terminal', () => {
  it('escapes C1 and bidirectional controls, and parses back to the same strings', () => {
    const value = { name: 'a\u001b\u009b\u202e\u2028z' };
    const text = stringifyInert(value);
    for (const c of ['\u001b', '\u009b', '\u202e', '\u2028']) expect(text).not.toContain(c);
    expect(JSON.parse(text)).toEqual(value);
  });
});
