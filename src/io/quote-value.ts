/** Values and columns named in messages (the errors themselves: errors.ts). */

const MAX_QUOTED_LENGTH = 60;

/**
 * A value from the data, quoted for a message: control characters and quotes escaped
 * (so nothing reaches the terminal raw) and long values shortened.
 */
export function quoteValue(value: string): string {
  const shortened =
    value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(shortened).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `column "Annual Income (k$)" (4)`: a column by header and 1-based index. */
export function describeColumn(header: readonly string[], index: number): string {
  return `column ${quoteValue(header[index])} (${index + 1})`;
}
