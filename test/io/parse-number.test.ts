import { describe, expect, it } from 'vitest';
import { explainNotANumber, isMissingCell, parseNumberCell } from '../../src/io/parse-number.js';

describe('parseNumberCell', () => {
  it('reads plain decimals, signs, exponents and surrounding spaces', () => {
    expect(parseNumberCell('42')).toBe(42);
    expect(parseNumberCell(' 42 ')).toBe(42);
    expect(parseNumberCell('-3.5')).toBe(-3.5);
    expect(parseNumberCell('+.5')).toBe(0.5);
    expect(parseNumberCell('1e-3')).toBe(0.001);
    expect(parseNumberCell('7.')).toBe(7);
  });

  it.each(['', 'abc', '0x1F', '1,234', '12%', 'NaN', '-inf', 'Infinity', '1e309', '1 2', '--1'])(
    'refuses %j',
    (text) => {
      expect(Number.isNaN(parseNumberCell(text))).toBe(true);
    },
  );

  it('explains each kind of non-number with a hint', () => {
    expect(explainNotANumber('1,234').hint).toMatch(/thousands/);
    expect(explainNotANumber('1,5').hint).toMatch(/decimal point/);
    expect(explainNotANumber('12%').hint).toMatch(/%/);
    expect(explainNotANumber('0x1F').hint).toMatch(/decimal/);
    expect(explainNotANumber('1e309').reason).toBe('is too large for a number');
    expect(explainNotANumber('-inf').reason).toBe('is not a finite number');
    expect(explainNotANumber('n/a').reason).toBe('is not a number (a missing value)');
    expect(explainNotANumber('n/a').hint).toMatch(/--missing drop/);
  });

  it('recognises the usual missing-value spellings', () => {
    for (const token of ['', ' ', 'NA', 'n/a', 'NaN', 'null', 'None', '#N/A', '?']) {
      expect(isMissingCell(token)).toBe(true);
    }
    expect(isMissingCell('0')).toBe(false);
    expect(isMissingCell('abc')).toBe(false);
  });
});
