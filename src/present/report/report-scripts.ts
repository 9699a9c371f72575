import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportScripts } from './report-html.js';

/**
 * The single-file builds of Vega, Vega-Lite and vega-embed that the report inlines,
 * read from node_modules only when a report is written (they are ~830 kB together).
 */
const require = createRequire(import.meta.url);

function build(pkg: string, file: string): string {
  // vega-embed's package exports no package.json or build path, only its module entry.
  return join(dirname(require.resolve(pkg)), file);
}

export async function readReportScripts(): Promise<ReportScripts> {
  const [vega, vegaLite, vegaEmbed] = await Promise.all([
    readFile(build('vega', 'vega.min.js'), 'utf8'),
    readFile(build('vega-lite', 'vega-lite.min.js'), 'utf8'),
    readFile(build('vega-embed', 'vega-embed.min.js'), 'utf8'),
  ]);
  return { vega, vegaLite, vegaEmbed };
}
