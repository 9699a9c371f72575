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
  // String(Number(p.toFixed(6))), without its ~400 ns a call (10M rows × K=8 is 90M
  // calls): round p·10⁶ to an integer n and print 0.nnnnnn. p·10⁶ is within 2⁻³⁰ of
  // its exact value, so the rounding is exact unless that is within 10⁻⁹ of a tie,
  // where toFixed decides (it rounds the exact value, ties up: 1/128 → 0.007813).
  if (p >= 0 && p <= 1) {
    const scaled = p * 1e6;
    const n = Math.round(scaled);
    if (Math.abs(Math.abs(scaled - Math.floor(scaled)) - 0.5) > 1e-9) {
      if (n === 0) return '0';
      if (n === 1e6) return '1';
      const digits = String(n).padStart(6, '0');
      let end = 6;
      while (digits.charCodeAt(end - 1) === 48) end--;
      return `0.${digits.slice(0, end)}`;
    }
  }
  return String(Number(p.toFixed(6)));
}

/** Measurements in CSV output: 10 significant digits, no exponent below 1e21 ("55.87", "-1755.344"). */
export function formatMeasurement(value: number): string {
  return String(Number(value.toPrecision(10)));
}
