/**
 * Text from the data made inert in an HTML page: escaped as element text and attribute
 * values, and as JSON inside a <script> element (where only "</script" or "<!--" could
 * end or change the element: every <, > and & is written as a \u escape, which JSON.parse
 * reads back to the same string).
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe as element content and as a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe inside <script type="application/json">: no <, > or & appears literally
 * (so no "</script>" or "<!--"), nor U+2028/U+2029.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
