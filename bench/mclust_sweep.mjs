// Every cell of fixtures/reference/mclust-reference.json searched by gmm (engine in
// process, default search, raw units, regCovar 0 as mclust has no ridge): lists the
// cells where gmm's ℓ is below mclust's (−1e-6 relative), those mclust fits and gmm
// does not, and each data set's best BIC against mclust's selection. Takes minutes
// (630 searches). Run after `npm run build`:
//
//   node bench/mclust_sweep.mjs [faithful,iris,…]   (GMM_N_INIT=n: n random starts, 0: mclust's start alone)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sweepModels } from '../dist/engine/select-model.js';
import { MCLUST_ORDER, mclustName } from '../dist/engine/model-names.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const reference = JSON.parse(
  readFileSync(join(ROOT, 'fixtures', 'reference', 'mclust-reference.json'), 'utf8'),
);
const only = process.argv[2]?.split(',');
for (const set of reference.sets) {
  if (only && !only.includes(set.name)) continue;
  const lines = readFileSync(join(ROOT, set.file), 'utf8').trim().split('\n').slice(1);
  const values = new Float64Array(lines.flatMap((line) => line.split(',').map(Number)));
  const data = { values, nSamples: set.n, nFeatures: set.d };
  const started = performance.now();
  const cells = await sweepModels(data, reference.G, MCLUST_ORDER, {
    init: 'mixed',
    nInit: process.env.GMM_N_INIT === undefined ? 'auto' : Number(process.env.GMM_N_INIT),
    maxIter: 1000,
    tol: 1e-10,
    regCovar: 0,
    seed: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  let best;
  const lower = [];
  const missing = [];
  for (const cell of cells) {
    const name = mclustName(cell.covarianceType, set.d);
    const theirs = set.cells.find((c) => c.model === name && c.G === cell.nComponents);
    const ours = cell.result?.criteria.logLikelihood;
    const bic = cell.result ? -cell.result.criteria.bic : undefined;
    if (bic !== undefined && (best === undefined || bic > best.bic)) {
      best = { model: name, G: cell.nComponents, bic };
    }
    if (theirs.loglik === null) continue;
    if (ours === undefined) missing.push(`${name} G=${cell.nComponents} (${cell.failure})`);
    else if (ours < theirs.loglik - 1e-6 * Math.abs(theirs.loglik)) {
      lower.push(`${name} G=${cell.nComponents}: ${ours.toFixed(4)} < ${theirs.loglik.toFixed(4)}`);
    }
  }
  const s = set.selected;
  console.log(
    `${set.name}: ${seconds.toFixed(0)} s; gmm best ${best.model} G=${best.G} BIC ${best.bic.toFixed(3)}, ` +
      `mclust ${s.model} G=${s.G} BIC ${s.bic.toFixed(3)}; ` +
      `${lower.length} cells below mclust's ℓ, ${missing.length} cells mclust fits and gmm does not`,
  );
  for (const line of [...lower, ...missing]) console.log(`  ${line}`);
}
