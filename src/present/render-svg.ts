import { visibleText } from './text.js';

/**
 * Control characters XML 1.0 forbids (all C0 but tab, line feed and carriage return),
 * plus DEL, C1 and the bidirectional overrides (which would show a name reversed).
 * Vega escapes <, > and & in titles and labels but copies these through, and one ESC
 * from a column name makes the whole SVG unreadable.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Renders a vega-lite spec to SVG with Vega. vega and vega-lite are ES modules with a
 * top-level await and cost ~175 ms to load, so they are imported only when a plot is
 * written. Text from the data keeps its control characters visible (as \x1b).
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  // Vega's warnings go to the console by default; the spec is ours, so they are silenced.
  const silent = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], {
    logger: silent,
  });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logLevel: vega.None });
  try {
    return (await view.toSVG()).replace(NOT_XML, visibleText);
  } finally {
    view.finalize();
  }
}
