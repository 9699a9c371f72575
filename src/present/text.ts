/**
 * Text for people: numbers with a fixed locale (so output is the same everywhere) and
 * names from the data made inert for a terminal (control characters shown, not obeyed).
 */

// Numbers are formatted with toPrecision/toFixed, not Intl: the same digits in every
// locale, and no ~20 ms of ICU start-up on a 0.3 s run.

/** Beyond these magnitudes plain digits stop being readable (1e150 would print 150 of them). */
const LARGEST_PLAIN = 1e12;
const SMALLEST_PLAIN = 1e-6;

/** 4 significant digits: 55.3, 0.001234, 123500; 1.711e+150 and 2.5e-9 for extreme values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const size = Math.abs(value);
  if (size >= LARGEST_PLAIN || (size > 0 && size < SMALLEST_PLAIN)) {
    return value.toExponential(3).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(4)));
}

/** Criteria and similar: 2 decimals (1058.54). */
export function formatCriterion(value: number): string {
  return value.toFixed(2);
}

/** Log-likelihoods: 4 decimals (−452.4443), as users compare them. */
export function formatLogLikelihood(value: number): string {
  return value.toFixed(4);
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * Characters a terminal obeys instead of showing: C0 and C1 controls (ESC starts
 * colour and cursor sequences; U+009B is a one-character ESC [) and the bidirectional
 * overrides that reorder text on screen (U+202A–U+202E, U+2066–U+2069, U+200E/F).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** Replaces control characters (including ESC) with visible escapes such as \x1b. */
export function visibleText(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** As visibleText, but line feeds and tabs stay: for multi-line output such as a CSV or TSV. */
export function visibleLines(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : escapeControl(c)));
}

/**
 * Data written to standard output: verbatim to a pipe or file (nothing is lost), but
 * on a terminal with control characters made visible, as `ls` shows odd file names.
 */
export function forStream(stream: { isTTY?: boolean }, text: string): string {
  return stream.isTTY === true ? visibleLines(text) : text;
}

/** "1 row", "3 rows". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A title vega can show. Vega looks a title's text up in a plain object, so one that
 * names a member of Object.prototype ("constructor", "toString", …) fails to render
 * ("Operator not defined: undefined") and "__proto__" vanishes. Such a title gets a
 * trailing space, which renders the same.
 */
export function chartTitle(text: string): string {
  return text === '__proto__' || text in Object.prototype ? `${text} ` : text;
}
