import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import { readBundle, runBundle, type BundleFiles, type LoadedBundle } from './bundle.js';
import { visibleText } from '../io/visible-text.js';

/**
 * Control characters XML 1.0 forbids (all C0 but tab, line feed and carriage return),
 * plus DEL, C1 and the bidirectional overrides (which would show a name reversed).
 * Vega escapes <, > and & in titles and labels but copies these through, and one ESC
 * from a column name makes the whole SVG unreadable.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;

interface Renderer {
  readonly vega: Vega;
  readonly vegaLite: VegaLite;
  readonly bundles: readonly LoadedBundle[];
}

/**
 * Vega and Vega-Lite are loaded from the single-file builds both packages ship next to
 * their ES modules: vega.min.js holds all of Vega (its d3 parts included), vega-lite.min.js
 * all of Vega-Lite but Vega, which it takes as `require('vega')`. The ES module entry
 * points fan out to ~60 modules (and vega-lite's imports the whole of `vega` too): they
 * took ~290 ms to load against ~95 ms for the bundles, for the same SVG.
 */
const require = createRequire(import.meta.url);
const bundlePath = (pkg: string, file: string) => join(dirname(require.resolve(pkg)), file);

let files: Promise<[BundleFiles, BundleFiles]> | undefined;
let renderer: Renderer | undefined;

/**
 * Starts reading the Vega and Vega-Lite bundles (and their code caches) in the
 * background: a command that will plot calls it first, so the reads overlap its other
 * work. Costs nothing more if no plot is drawn after all. Idempotent.
 */
export function preloadRenderer(): void {
  if (files !== undefined) return;
  files = Promise.all([
    readBundle(bundlePath('vega', 'vega.min.js')),
    readBundle(bundlePath('vega-lite', 'vega-lite.min.js')),
  ]);
  // A failed read is reported when renderSvg awaits it, not as an unhandled rejection.
  files.catch(() => undefined);
}

async function loadRenderer(): Promise<Renderer> {
  preloadRenderer();
  const [vegaFiles, vegaLiteFiles] = await files!;
  if (renderer === undefined) {
    const vega = runBundle(vegaFiles, {});
    const vegaLite = runBundle(vegaLiteFiles, { vega: vega.exports });
    renderer = {
      vega: vega.exports as Vega,
      vegaLite: vegaLite.exports as VegaLite,
      bundles: [vega, vegaLite],
    };
  }
  return renderer;
}

/**
 * Renders a vega-lite spec to SVG with Vega, loaded only when a plot is written (~95 ms,
 * less with the code cache). Text from the data keeps its control characters visible
 * (as \x1b).
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vegaLite, bundles } = await loadRenderer();
  // Vega's warnings go to the console by default; the spec is ours, so they are silenced.
  const silent = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec as unknown as Parameters<VegaLite['compile']>[0], {
    logger: silent,
  });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logLevel: vega.None });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  // After a render, the cache holds the code it needed too (saved once, when missing or stale).
  for (const bundle of bundles) bundle.saveCache();
  return svg.replace(NOT_XML, visibleText);
}
