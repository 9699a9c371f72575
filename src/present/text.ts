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

/** A segment's size: whole rows as they are (85), a sum of fractional weights to 2 decimals. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
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
