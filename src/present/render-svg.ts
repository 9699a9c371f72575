/**
 * Renders a vega-lite spec to SVG with Vega. vega and vega-lite are ES modules with a
 * top-level await and cost ~175 ms to load, so they are imported only when a plot is
 * written.
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
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
