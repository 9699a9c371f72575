/**
 * Text for people: numbers with a fixed locale (so output is the same everywhere) and
 * names from the data made inert for a terminal (control characters shown, not obeyed).
 */

const significant = new Intl.NumberFormat('en-US', {
  maximumSignificantDigits: 4,
  useGrouping: false,
});
const fixed2 = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: false,
});
const fixed4 = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 4,
  maximumFractionDigits: 4,
  useGrouping: false,
});

/** 4 significant digits: 55.3, 0.001234, 123500. */
export function formatValue(value: number): string {
  return Number.isFinite(value) ? significant.format(value) : '—';
}

/** Criteria and similar: 2 decimals (1058.54). */
export function formatCriterion(value: number): string {
  return fixed2.format(value);
}

/** Log-likelihoods: 4 decimals (−452.4443), as users compare them. */
export function formatLogLikelihood(value: number): string {
  return fixed4.format(value);
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Replaces control characters (including ESC) with visible escapes such as \x1b. */
export function visibleText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** "1 row", "3 rows". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
