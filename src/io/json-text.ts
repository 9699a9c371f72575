/**
 * JSON text that is inert on a terminal. JSON.stringify escapes C0 controls (ESC
 * becomes \u001b) but writes C1 controls (U+009B acts as ESC [ on some terminals),
 * bidirectional overrides and the line separators U+2028/U+2029 raw; as \u escapes
 * they parse back to the same strings.
 */
const UNESCAPED_CONTROL = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function stringifyInert(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNESCAPED_CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
