// Fallback when /usr/bin/time is missing: runs the gmm CLI in this process and, on
// exit, prints its peak resident set size to stderr as "max-rss-bytes N".
//   node bench/max-rss.mjs <gmm arguments…>
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.on('exit', () => {
  process.stderr.write(`\nmax-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`);
});
const { main } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
main(process.argv.slice(2));
