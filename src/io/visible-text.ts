/**
 * Text from the data made safe to show on a terminal: control characters become
 * visible escapes. Shared by the writers (io), the presentation and the terminal.
 */

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
