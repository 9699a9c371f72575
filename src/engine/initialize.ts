import { sampleDistinct, type Random } from './random.js';
import type { DataMatrix, StartMethod } from './types.js';

/** Lloyd iterations after k-means++ seeding: enough to settle the seeds, cheap on big data. */
const LLOYD_STEPS = 10;

/**
 * Starting responsibilities (n×K) for one EM start.
 *   kmeans++:          greedy k-means++ seeding, a few Lloyd steps, hard labels
 *   random:            each row's memberships drawn uniformly and normalised (scikit-learn's 'random')
 *   random-from-data:  K distinct rows as centres, hard labels to the nearest
 * With row weights every draw of a row is in proportion to its weight (a row of
 * weight 3 is as likely as three copies of it), Lloyd's means are weighted, and the
 * M-step that follows weights the memberships.
 */
export function initialResponsibilities(
  data: DataMatrix,
  nComponents: number,
  method: StartMethod,
  random: Random,
): Float64Array {
  const { nSamples } = data;
  const resp = new Float64Array(nSamples * nComponents);
  if (method === 'random') {
    for (let i = 0; i < nSamples; i++) {
      let total = 0;
      for (let k = 0; k < nComponents; k++) {
        const u = random.nextFloat();
        resp[i * nComponents + k] = u;
        total += u;
      }
      for (let k = 0; k < nComponents; k++) resp[i * nComponents + k] /= total;
    }
    return resp;
  }
  const centers =
    method === 'kmeans++'
      ? lloyd(data, kmeansPlusPlusCenters(data, nComponents, random), nComponents)
      : rowsAsCenters(
          data,
          data.rowWeights === undefined
            ? sampleDistinct(nSamples, nComponents, random)
            : sampleDistinctWeighted(data.rowWeights, nComponents, random),
        );
  const labels = new Int32Array(nSamples);
  assignNearest(data, centers, nComponents, labels);
  for (let i = 0; i < nSamples; i++) resp[i * nComponents + labels[i]] = 1;
  return resp;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's variant): each new centre
 * is the best of 2 + ⌊ln K⌋ candidates drawn with probability ∝ D², the squared distance
 * to the nearest centre so far. Returns K×d centres.
 */
export function kmeansPlusPlusCenters(
  data: DataMatrix,
  nComponents: number,
  random: Random,
): Float64Array {
  const { values, nSamples: n, nFeatures: d, rowWeights } = data;
  // closest[i]: wᵢ × the squared distance to the nearest centre (the D² weights).
  const mass = (i: number) => (rowWeights === undefined ? 1 : rowWeights[i]);
  const centers = new Float64Array(nComponents * d);
  const closest = new Float64Array(n);
  const candidateDistances = new Float64Array(n);
  const bestDistances = new Float64Array(n);
  const nTrials = 2 + Math.floor(Math.log(nComponents));

  let chosen =
    rowWeights === undefined
      ? random.nextInt(n)
      : drawProportional(rowWeights, sumOf(rowWeights), random);
  centers.set(values.subarray(chosen * d, chosen * d + d), 0);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = mass(i) * squaredDistance(values, i * d, values, chosen * d, d);
    potential += closest[i];
  }
  for (let c = 1; c < nComponents; c++) {
    let bestPotential = Infinity;
    for (let trial = 0; trial < nTrials; trial++) {
      const candidate =
        potential > 0 ? drawProportional(closest, potential, random) : random.nextInt(n);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const distance = Math.min(
          closest[i],
          mass(i) * squaredDistance(values, i * d, values, candidate * d, d),
        );
        candidateDistances[i] = distance;
        candidatePotential += distance;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        chosen = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    centers.set(values.subarray(chosen * d, chosen * d + d), c * d);
    closest.set(bestDistances);
    potential = bestPotential;
  }
  return centers;
}

function sumOf(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/**
 * `count` distinct indices drawn one after another, each in proportion to its weight
 * among those not yet drawn (indices of zero weight only once the others are used up).
 */
export function sampleDistinctWeighted(
  weights: Float64Array,
  count: number,
  random: Random,
): number[] {
  const left = Float64Array.from(weights);
  const order: number[] = [];
  for (let c = 0; c < count; c++) {
    const total = sumOf(left);
    let pick: number;
    if (total > 0) {
      pick = drawProportional(left, total, random);
    } else {
      const free: number[] = [];
      for (let i = 0; i < left.length; i++) if (!order.includes(i)) free.push(i);
      pick = free[random.nextInt(free.length)];
    }
    order.push(pick);
    left[pick] = 0;
  }
  return order;
}

/** Index i drawn with probability weights[i] / total. */
function drawProportional(weights: Float64Array, total: number, random: Random): number {
  const target = random.nextFloat() * total;
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i];
    if (cumulative > target) return i;
  }
  // Rounding can leave target ≥ the running sum: take the last row with weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}

/** Lloyd's algorithm from the given centres (updated in place); an emptied cluster keeps its centre. */
function lloyd(data: DataMatrix, centers: Float64Array, nComponents: number): Float64Array {
  const { values, nSamples: n, nFeatures: d, rowWeights } = data;
  const labels = new Int32Array(n).fill(-1);
  const nextLabels = new Int32Array(n);
  const sums = new Float64Array(nComponents * d);
  const counts = new Float64Array(nComponents);
  for (let step = 0; step < LLOYD_STEPS; step++) {
    assignNearest(data, centers, nComponents, nextLabels);
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (nextLabels[i] !== labels[i]) changed = true;
      labels[i] = nextLabels[i];
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const k = labels[i];
      const w = rowWeights === undefined ? 1 : rowWeights[i];
      counts[k] += w;
      for (let a = 0; a < d; a++) sums[k * d + a] += w * values[i * d + a];
    }
    for (let k = 0; k < nComponents; k++) {
      if (!(counts[k] > 0)) continue;
      for (let a = 0; a < d; a++) centers[k * d + a] = sums[k * d + a] / counts[k];
    }
  }
  return centers;
}

/** labels[i] = index of the nearest centre (first on ties). */
function assignNearest(
  data: DataMatrix,
  centers: Float64Array,
  nComponents: number,
  labels: Int32Array,
): void {
  const { values, nSamples: n, nFeatures: d } = data;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let k = 0; k < nComponents; k++) {
      const distance = squaredDistance(values, i * d, centers, k * d, d);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = k;
      }
    }
    labels[i] = best;
  }
}

function squaredDistance(
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  d: number,
): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const delta = a[aOffset + j] - b[bOffset + j];
    s += delta * delta;
  }
  return s;
}

function rowsAsCenters(data: DataMatrix, rows: number[]): Float64Array {
  const d = data.nFeatures;
  const centers = new Float64Array(rows.length * d);
  rows.forEach((row, k) => centers.set(data.values.subarray(row * d, row * d + d), k * d));
  return centers;
}
