import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumberBytes, parseNumberCell } from '../../src/io/parse-number.js';

/**
 * Differential tests: parseNumberBytes on the bytes of a cell must return NaN or
 * exactly (Object.is) what parseNumberCell returns for its text; for plain decimals it
 * should not need to return NaN at all.
 */

/** parseNumberBytes on `text` placed inside a buffer between junk bytes. */
function fromBytes(text: string, before = '', after = ''): number {
  const prefix = Buffer.from(before, 'utf8');
  const bytes = Buffer.concat([prefix, Buffer.from(text, 'utf8'), Buffer.from(after, 'utf8')]);
  return parseNumberBytes(bytes, prefix.length, prefix.length + Buffer.byteLength(text));
}

/** NaN, or the very number parseNumberCell gives (with its sign of zero). */
function agrees(text: string, got: number): boolean {
  return Number.isNaN(got) || Object.is(got, parseNumberCell(text));
}

function expectAgrees(text: string, before = '', after = ''): void {
  const got = fromBytes(text, before, after);
  if (!agrees(text, got)) {
    expect.fail(
      `parseNumberBytes(${JSON.stringify(text)}) = ${got}, parseNumberCell = ${parseNumberCell(text)}`,
    );
  }
}

/** parseNumberBytes gives exactly parseNumberCell's number, never NaN in its place. */
function expectExact(text: string): void {
  const got = fromBytes(text, '9', '9');
  const want = parseNumberCell(text);
  if (!Object.is(got, want)) {
    expect.fail(`parseNumberBytes(${JSON.stringify(text)}) = ${got}, parseNumberCell = ${want}`);
  }
}

// Junk around the cell: digits and signs, so reading past [start, end) would show.
const junkArb = fc
  .array(fc.constantFrom('9', '0', '.', 'e', '-', ' ', ',', 'é'), { maxLength: 3 })
  .map((c) => c.join(''));

const NUMBERISH = [
  '0',
  '1',
  '5',
  '9',
  '00',
  '123456789',
  '.',
  'e',
  'E',
  '+',
  '-',
  'e-',
  'e+',
  'e3',
  'e-30',
  'e22',
  'e23',
  'e308',
  'e309',
  'e-324',
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\u3000',
  'x',
  '_',
  ',',
  'é',
  '٣',
  'Infinity',
  'NaN',
];
const numberishArb = fc
  .array(fc.constantFrom(...NUMBERISH), { maxLength: 10 })
  .map((t) => t.join(''));

/** Text shaped like a decimal: [space][sign]digits[.digits][e[sign]digits][space]. */
const digitsArb = (max: number) =>
  fc.array(fc.constantFrom('0', '0', '1', '5', '9'), { maxLength: max }).map((d) => d.join(''));
const spaceArb = fc.constantFrom('', '', ' ', '  ', '\t', ' \r\n', '\v\f');
const decimalShapedArb = fc
  .record({
    lead: spaceArb,
    sign: fc.constantFrom('', '', '-', '+'),
    int: digitsArb(20),
    dot: fc.boolean(),
    frac: digitsArb(25),
    exp: fc.option(
      fc.record({
        e: fc.constantFrom('e', 'E'),
        sign: fc.constantFrom('', '-', '+'),
        digits: fc.oneof(digitsArb(4), fc.integer({ min: 0, max: 400 }).map(String)),
      }),
    ),
    trail: spaceArb,
  })
  .map(
    ({ lead, sign, int, dot, frac, exp, trail }) =>
      lead +
      sign +
      int +
      (dot ? `.${frac}` : '') +
      (exp === null ? '' : exp.e + exp.sign + exp.digits) +
      trail,
  );

const anyDoubleArb = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Doubles like those in data: moderate magnitudes, a few decimals. */
const dataDoubleArb = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc
    .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 12 }))
    .map(([m, k]) => m / 10 ** k),
);
const doubleArb = fc.oneof(anyDoubleArb, dataDoubleArb);

/** The ways programs print numbers. */
const printedArb = fc.oneof(
  doubleArb.map((x) => String(x)),
  fc.tuple(doubleArb, fc.integer({ min: 0, max: 20 })).map(([x, k]) => x.toFixed(k)),
  fc.tuple(doubleArb, fc.integer({ min: 0, max: 20 })).map(([x, k]) => x.toExponential(k)),
  fc.tuple(doubleArb, fc.integer({ min: 1, max: 21 })).map(([x, k]) => x.toPrecision(k)),
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.integer({ min: 0, max: 9999 }).map(String),
);

describe('parseNumberBytes against parseNumberCell', () => {
  it('returns NaN or exactly parseNumberCell on text over number-like tokens', () => {
    fc.assert(
      fc.property(numberishArb, junkArb, junkArb, (text, before, after) => {
        expectAgrees(text, before, after);
      }),
      { numRuns: 100000 },
    );
  });

  it('returns exactly parseNumberCell on decimal-shaped text (long mantissas, big exponents)', () => {
    fc.assert(
      fc.property(decimalShapedArb, junkArb, junkArb, (text, before, after) => {
        expectAgrees(text, before, after);
        // Decimal-shaped text is plain ASCII: NaN only where parseNumberCell says NaN.
        expect(Number.isNaN(fromBytes(text, before, after))).toBe(
          Number.isNaN(parseNumberCell(text)),
        );
      }),
      { numRuns: 100000 },
    );
  });

  it('never falls back to NaN on numbers printed by String, toFixed, toExponential, toPrecision', () => {
    fc.assert(
      fc.property(printedArb, (text) => {
        expectExact(text);
        expectExact(` ${text}\t`);
      }),
      { numRuns: 150000 },
    );
  });

  it('reads the fast path exactly on random mantissas and exponents within ±22', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999_999_999 }),
        fc.integer({ min: -25, max: 25 }),
        fc.nat({ max: 16 }),
        fc.boolean(),
        (mantissa, exponent, point, negative) => {
          const digits = String(mantissa);
          const cut = Math.max(0, digits.length - point);
          const text = `${negative ? '-' : ''}${digits.slice(0, cut) || '0'}.${digits.slice(cut)}e${exponent}`;
          expectExact(text);
        },
      ),
      { numRuns: 100000 },
    );
  });
});

describe('parseNumberBytes named cases', () => {
  it.each([
    '0',
    '-0',
    '+0',
    '-0.0',
    '-.0',
    '-0e5',
    '-0e-999',
    '0e999999999999',
    '.5',
    '5.',
    '-5.e3',
    '+.5E+2',
    '007',
    '00000000000000000000000001',
    '1.00000000000000000000000000',
    '0.000000000000000000000000001',
    '123456789012345',
    '1234567890123456',
    '9007199254740993',
    '0.1',
    '0.3',
    '1e22',
    '1e23',
    '1e-22',
    '1e-23',
    '999999999999999e22',
    '999999999999999e-22',
    '2.2250738585072014e-308',
    '2.2250738585072011e-308',
    '4.9e-324',
    '2e-324',
    '1.7976931348623157e308',
    '1.7976931348623158e308',
    '1e0000000000000000000000002',
    '1e-0000000000000000000000002',
    ' 42 ',
    '\t\v\f\r\n42\n',
  ])('reads %j exactly as parseNumberCell', (text) => {
    expectExact(text);
  });

  it.each([
    '',
    ' ',
    '.',
    '+',
    '-',
    'e5',
    '.e5',
    '1e',
    '1e+',
    '1e-',
    '--1',
    '+-1',
    '- 1',
    '1 2',
    '1,5',
    '1_000',
    '0x10',
    'Infinity',
    '-Infinity',
    'NaN',
    '1e309',
    '-1e309',
    '1.7976931348623159e308',
    '1e999999999999',
    '١',
    '\u00a01',
    '1\u3000',
    '\ufeff1',
    '1\u2028',
    '1é',
  ])('reads %j as NaN or as parseNumberCell', (text) => {
    expectAgrees(text, '7', '7');
    expectAgrees(text);
  });

  it('stays inside [start, end) of a larger buffer', () => {
    const bytes = Buffer.from('99-1.5e399');
    expect(parseNumberBytes(bytes, 2, 6)).toBe(-1.5);
    expect(parseNumberBytes(bytes, 3, 6)).toBe(1.5);
    expect(parseNumberBytes(bytes, 0, 0)).toBeNaN();
  });

  it('reads very long cells exactly (the slow path)', () => {
    expectExact(`${'1'.repeat(400)}.5`);
    expectExact(`0.${'0'.repeat(400)}1e400`);
    expectExact(`${'9'.repeat(309)}`);
    expectExact(`${'9'.repeat(400)}e-100`);
  });

  // An exponent of 8 digits behind a million zeros: the value overflows, whatever the fast path thinks.
  it('does not truncate an 8-digit exponent behind a million fraction zeros', () => {
    expectAgrees(`0.${'0'.repeat(999_999)}1e10000000`);
    expectAgrees(`0.${'0'.repeat(999_977)}1e10000000`);
  });
});
