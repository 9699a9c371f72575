/** A CSV field, quoted when it holds the delimiter, a quote, or a line break (RFC 4180). */
export function formatCsvField(value: string, delimiter: string): string {
  if (
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r')
  ) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

export function formatCsvRow(fields: readonly string[], delimiter: string): string {
  return fields.map((field) => formatCsvField(field, delimiter)).join(delimiter);
}

/** Probabilities in CSV output: 6 decimals, trailing zeros dropped ("1", "0.25", "0.000123"). */
export function formatProbability(p: number): string {
  return String(Number(p.toFixed(6)));
}

/** Measurements in CSV output: 10 significant digits, no exponent below 1e21 ("55.87", "-1755.344"). */
export function formatMeasurement(value: number): string {
  return String(Number(value.toPrecision(10)));
}
