// One EM iteration of gmm's engine, timed directly (no CLI, no CSV), in its own
// process so one scenario's heap does not colour the next.
//
//   node bench/engine_iteration.mjs --n N --d D --k K [--iterations I] [--seed S]
//        [--covariance full|tied] [--raw out.f64] [--params out.json]
//
// Data: N rows of bench/generate.mjs's known mixture. One iteration, starting from
// the true parameters: computePrecisionFactors + expectationStep (gathering the
// M-step's sums) + estimateGaussianParameters('full', reg 1e-6). One warm-up
// iteration, then I timed ones; prints JSON with the median and each part.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { knownMixture, mixtureJson, sampleMixture, writeRaw } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const engine = (name) => import(pathToFileURL(join(here, '..', 'dist', 'engine', name)).href);
const { computePrecisionFactors } = await engine('precision.js');
const { createResponsibilitySums, expectationStep } = await engine('e-step.js');
const { estimateGaussianParameters, parametersFromSums } = await engine('m-step.js');
const { BlockPool } = await import(
  pathToFileURL(join(here, '..', 'dist', 'parallel', 'block-pool.js')).href
);
const { availableParallelism } = await import('node:os');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const n = Number(option('--n'));
const d = Number(option('--d'));
const K = Number(option('--k'));
const iterations = Number(option('--iterations', 5));
const seed = Number(option('--seed', 1));
const rawPath = option('--raw', undefined);
const paramsPath = option('--params', undefined);
const covarianceType = option('--covariance', 'full');

const known = knownMixture(d, K, seed);
// tied: every component takes the first one's covariance (so does the python side)
const mixture =
  covarianceType === 'tied'
    ? {
        ...known,
        covariances: Float64Array.from(
          { length: K * d * d },
          (_, e) => known.covariances[e % (d * d)],
        ),
      }
    : known;
const data = sampleMixture(mixture, n, seed);
if (rawPath) writeRaw(rawPath, data);
if (paramsPath) writeFileSync(paramsPath, JSON.stringify(mixtureJson(mixture)));

let parameters = {
  nComponents: K,
  nFeatures: d,
  covarianceType,
  weights: mixture.weights,
  means: mixture.means,
  covariances: mixture.covariances,
};
const resp = new Float64Array(n * K);
const sums = createResponsibilitySums(K, d);

function iterate() {
  const t0 = performance.now();
  const factors = computePrecisionFactors(parameters);
  const t1 = performance.now();
  const logLikelihood = expectationStep(data, factors, resp, sums);
  const t2 = performance.now();
  parameters = estimateGaussianParameters(data, resp, K, covarianceType, 1e-6, sums);
  const t3 = performance.now();
  return { total: t3 - t0, precision: t1 - t0, eStep: t2 - t1, mStep: t3 - t2, logLikelihood };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

iterate(); // warm-up: JIT
const runs = [];
for (let i = 0; i < iterations; i++) runs.push(iterate());
// Share of responsibilities that are not exactly zero: kernels that skip r = 0 do less
// work on well-separated data, so say how separated this data set is.

// The same iteration with the E-step's row blocks spread over worker threads, as gmm
// runs refinements on large data (results are bit-identical to the single thread).
const threads = availableParallelism();
const pool = BlockPool.create(data, threads);
const threadedSums = createResponsibilitySums(K, d);
let threadedParameters = parameters;
async function iterateThreaded() {
  const t0 = performance.now();
  const factors = computePrecisionFactors(threadedParameters);
  await pool.expectationStep(factors, threadedSums);
  threadedParameters = parametersFromSums(threadedSums, K, d, covarianceType, 1e-6);
  return performance.now() - t0;
}
await iterateThreaded();
const threadedRuns = [];
for (let i = 0; i < iterations; i++) threadedRuns.push(await iterateThreaded());
await pool.close();

let nonZero = 0;
for (let e = 0; e < resp.length; e++) if (resp[e] !== 0) nonZero++;
const seconds = (key) => median(runs.map((r) => r[key])) / 1000;
console.log(
  JSON.stringify({
    n,
    d,
    K,
    perIteration: seconds('total'),
    precision: seconds('precision'),
    eStep: seconds('eStep'),
    mStep: seconds('mStep'),
    all: runs.map((r) => r.total / 1000),
    logLikelihood: runs[runs.length - 1].logLikelihood,
    nonZeroResponsibilities: nonZero / resp.length,
    threads,
    perIterationThreaded: median(threadedRuns) / 1000,
  }),
);
