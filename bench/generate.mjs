// Deterministic synthetic data for the benchmarks: a known Gaussian mixture
// (fixed weights, means and covariances, all drawn from a seeded PRNG) sampled
// with the engine's own Random, returned as a row-major Float64Array and/or
// written to CSV / raw little-endian float64 files.
//
//   node bench/generate.mjs <rows> <cols> [--components K] [--seed S] [--spread s] [--csv path] [--raw path]
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { writeFileSync, writeSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { Random } = await import(
  pathToFileURL(join(here, '..', 'dist', 'engine', 'random.js')).href
);

/** Bump when the generator's output changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

/** Where generated files are cached between runs. */
export function benchDataDir() {
  const dir = join(tmpdir(), 'gmm-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The known mixture for d features and K components (a pure function of d, K, seed):
 *   weights   ∝ K, K−1, …, 1
 *   means     s · N(0, I) per component, s = 2·√(5/d) for d ≥ 5 (2 below): the
 *             components overlap about as much for any d, so responsibilities are
 *             not all 0/1 and no kernel can skip most of the (i, k) pairs; or s =
 *             `meanSpread` (e.g. 8: well-separated blobs)
 *   Σₖ = Lₖ Lₖᵀ, Lₖ lower triangular: diagonal U(0.5, 1.5), below it 0.3 · N(0, 1)
 * Returns { nComponents, nFeatures, weights (K), means (K×d), covariances (K×d×d),
 *           choleskyFactors (K×d×d, the Lₖ) }.
 */
export function knownMixture(nFeatures, nComponents, seed = 1, meanSpread = undefined) {
  const d = nFeatures;
  const K = nComponents;
  const random = new Random(seed, 0x6d6978, d, K);
  const weights = new Float64Array(K);
  let total = 0;
  for (let k = 0; k < K; k++) total += K - k;
  for (let k = 0; k < K; k++) weights[k] = (K - k) / total;
  const means = new Float64Array(K * d);
  const spread = meanSpread ?? 2 * Math.sqrt(5 / Math.max(d, 5));
  for (let e = 0; e < K * d; e++) means[e] = spread * random.nextNormal();
  const choleskyFactors = new Float64Array(K * d * d);
  const covariances = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    const o = k * d * d;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) choleskyFactors[o + a * d + b] = 0.3 * random.nextNormal();
      choleskyFactors[o + a * d + a] = 0.5 + random.nextFloat();
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let c = 0; c <= b; c++)
          s += choleskyFactors[o + a * d + c] * choleskyFactors[o + b * d + c];
        covariances[o + a * d + b] = s;
        covariances[o + b * d + a] = s;
      }
    }
  }
  return { nComponents: K, nFeatures: d, weights, means, covariances, choleskyFactors };
}

/**
 * Draws rows [start, start + count) (start a multiple of BLOCK) of the sample of `mixture` with `seed` into
 * `out` (count × d). Row i depends only on (seed, i / BLOCK), so a file written in
 * chunks equals the array drawn in one go.
 */
const BLOCK = 4096;
function drawRows(mixture, seed, start, count, out) {
  const { nComponents: K, nFeatures: d, weights, means, choleskyFactors } = mixture;
  const cumulative = new Float64Array(K);
  let acc = 0;
  for (let k = 0; k < K; k++) cumulative[k] = acc += weights[k];
  const z = new Float64Array(d);
  let random;
  for (let r = 0; r < count; r++) {
    const i = start + r;
    if (random === undefined || i % BLOCK === 0)
      random = new Random(seed, 0x726f7773, Math.floor(i / BLOCK));
    const u = random.nextFloat();
    let k = 0;
    while (k < K - 1 && u >= cumulative[k]) k++;
    for (let a = 0; a < d; a++) z[a] = random.nextNormal();
    const o = k * d * d;
    const row = r * d;
    for (let a = 0; a < d; a++) {
      let s = means[k * d + a];
      for (let b = 0; b <= a; b++) s += choleskyFactors[o + a * d + b] * z[b];
      out[row + a] = s;
    }
  }
}

/** n rows of the mixture: { values (n×d row-major), nSamples, nFeatures }, an engine DataMatrix. */
export function sampleMixture(mixture, nSamples, seed = 1) {
  const values = new Float64Array(nSamples * mixture.nFeatures);
  for (let start = 0; start < nSamples; start += BLOCK) {
    const count = Math.min(BLOCK, nSamples - start);
    drawRows(mixture, seed, start, count, values.subarray(start * mixture.nFeatures));
  }
  return { values, nSamples, nFeatures: mixture.nFeatures };
}

/** Writes data.values as raw little-endian float64 (what numpy.fromfile reads). */
export function writeRaw(path, data) {
  const { values } = data;
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Writes the parameters of `mixture` as JSON (plain arrays) for the Python side. */
export function mixtureJson(mixture) {
  return {
    nComponents: mixture.nComponents,
    nFeatures: mixture.nFeatures,
    weights: Array.from(mixture.weights),
    means: Array.from(mixture.means),
    covariances: Array.from(mixture.covariances),
  };
}

/**
 * Writes nSamples rows of the mixture to a CSV (header x1..xd, 5 decimals), through a
 * temporary name renamed at the end. Streams in blocks: memory stays flat for any n.
 */
export function writeCsv(path, mixture, nSamples, seed = 1) {
  const d = mixture.nFeatures;
  const partial = `${path}.partial-${process.pid}`;
  const fd = openSync(partial, 'w');
  try {
    const header = Array.from({ length: d }, (_, j) => `x${j + 1}`).join(',') + '\n';
    writeSync(fd, header);
    const block = new Float64Array(BLOCK * d);
    for (let start = 0; start < nSamples; start += BLOCK) {
      const count = Math.min(BLOCK, nSamples - start);
      drawRows(mixture, seed, start, count, block);
      let text = '';
      for (let r = 0; r < count; r++) {
        let line = block[r * d].toFixed(5);
        for (let a = 1; a < d; a++) line += ',' + block[r * d + a].toFixed(5);
        text += line + '\n';
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

/**
 * A cached CSV of the mixture (d features, K components) in benchDataDir(): reused
 * when present with the size recorded when it was written, else (re)generated.
 * Returns { path, bytes, reused, seconds }.
 */
export function ensureCsv(nSamples, nFeatures, nComponents = 8, seed = 1, meanSpread = undefined) {
  const dir = benchDataDir();
  const spreadPart = meanSpread === undefined ? '' : `-m${meanSpread}`;
  const base = `mixture-v${GENERATOR_VERSION}-n${nSamples}-d${nFeatures}-k${nComponents}-s${seed}${spreadPart}`;
  const path = join(dir, `${base}.csv`);
  const meta = join(dir, `${base}.json`);
  if (existsSync(path) && existsSync(meta)) {
    try {
      const recorded = JSON.parse(readFileSync(meta, 'utf8'));
      const bytes = statSync(path).size;
      if (recorded.bytes === bytes && recorded.rows === nSamples) {
        return { path, bytes, reused: true, seconds: 0 };
      }
    } catch {
      // unreadable metadata: regenerate below
    }
  }
  const started = performance.now();
  writeCsv(path, knownMixture(nFeatures, nComponents, seed, meanSpread), nSamples, seed);
  const bytes = statSync(path).size;
  writeFileSync(
    meta,
    JSON.stringify({ rows: nSamples, cols: nFeatures, components: nComponents, seed, bytes }),
  );
  return { path, bytes, reused: false, seconds: (performance.now() - started) / 1000 };
}

// Command line: node bench/generate.mjs <rows> <cols> [--components K] [--seed S] [--spread s] [--csv path] [--raw path]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const rows = Number(args[0]);
  const cols = Number(args[1]);
  if (!(rows > 0) || !(cols > 0)) {
    console.error(
      'usage: node bench/generate.mjs <rows> <cols> [--components K] [--seed S] [--spread s] [--csv path] [--raw path]',
    );
    process.exit(2);
  }
  const K = Number(option('--components', 8));
  const seed = Number(option('--seed', 1));
  const spread = option('--spread', undefined);
  const mixture = knownMixture(cols, K, seed, spread === undefined ? undefined : Number(spread));
  const csv = option('--csv', undefined);
  const raw = option('--raw', undefined);
  if (csv) writeCsv(csv, mixture, rows, seed);
  if (raw) writeRaw(raw, sampleMixture(mixture, rows, seed));
  if (!csv && !raw) {
    const { path, bytes, reused } = ensureCsv(
      rows,
      cols,
      K,
      seed,
      spread === undefined ? undefined : Number(spread),
    );
    console.log(`${path} (${(bytes / 1e6).toFixed(1)} MB${reused ? ', reused' : ''})`);
  }
}
