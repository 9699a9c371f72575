/**
 * Per-segment descriptions for the summary: sizes, certainty, plain-words labels, and
 * profiles of columns that were not modelled. Pure; segment k is component k (0-based).
 */

export interface SegmentStats {
  /** Rows whose most likely component is this one (Σ w over them, with row weights). */
  readonly count: number;
  readonly share: number;
  /** Mean, over those rows, of their largest membership probability. */
  readonly meanCertainty: number;
}

/**
 * labels: n (0-based components), certainty: n; rowWeights: n frequency weights (a row
 * of weight w counts as w rows, as everywhere in the fit), or undefined for 1 each.
 */
export function segmentStats(
  labels: Int32Array,
  certainty: Float64Array,
  nComponents: number,
  rowWeights?: Float64Array,
): SegmentStats[] {
  const counts = new Float64Array(nComponents);
  const certaintySums = new Float64Array(nComponents);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    counts[labels[i]] += w;
    certaintySums[labels[i]] += w * certainty[i];
    total += w;
  }
  return Array.from({ length: nComponents }, (_, k) => ({
    count: counts[k],
    share: counts[k] / total,
    meanCertainty: counts[k] > 0 ? certaintySums[k] / counts[k] : Number.NaN,
  }));
}

/** How far (in standard deviations of the whole column) a mean must sit to be "high" or "low". */
const LEVEL_THRESHOLD = 0.5;
const STRONG_THRESHOLD = 1.5;
/** Labels name at most this many columns: the ones where the segment stands out most. */
const MAX_LABEL_TERMS = 3;

/**
 * "high income · low score": each column's level from z = (μₖⱼ − column mean) / column sd.
 * zScores: K×d. With more than MAX_LABEL_TERMS columns, only the most distinctive are named.
 */
export function segmentLabels(
  zScores: Float64Array,
  nComponents: number,
  shortNames: readonly string[],
): string[] {
  return distinguishRepeats(plainLabels(zScores, nComponents, shortNames), zScores, shortNames);
}

function plainLabels(
  zScores: Float64Array,
  nComponents: number,
  shortNames: readonly string[],
): string[] {
  const d = shortNames.length;
  return Array.from({ length: nComponents }, (_, k) => {
    let columns = Array.from({ length: d }, (_, j) => j);
    if (d > MAX_LABEL_TERMS) {
      columns = columns
        .sort((a, b) => Math.abs(zScores[k * d + b]) - Math.abs(zScores[k * d + a]) || a - b)
        .slice(0, MAX_LABEL_TERMS)
        .sort((a, b) => a - b);
    }
    return columns.map((j) => `${levelWord(zScores[k * d + j])} ${shortNames[j]}`).join(' · ');
  });
}

/**
 * Labels made unique within the model. Segments sharing a label are told apart by the
 * column that separates them most (the largest spread of their z-scores): "lower
 * income" / "higher income", "lowest / middle / highest", or "income 2 of 4". Should
 * two still agree (equal means in every column), their segment numbers tell them apart.
 */
function distinguishRepeats(
  labels: string[],
  zScores: Float64Array,
  shortNames: readonly string[],
): string[] {
  const d = shortNames.length;
  const out = [...labels];
  const groups = new Map<string, number[]>();
  labels.forEach((label, k) => groups.set(label, [...(groups.get(label) ?? []), k]));
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    let column = 0;
    let widest = -1;
    for (let j = 0; j < d; j++) {
      const z = members.map((k) => zScores[k * d + j]);
      const spread = Math.max(...z) - Math.min(...z);
      if (spread > widest) {
        widest = spread;
        column = j;
      }
    }
    if (!(widest > 0)) continue; // equal means everywhere: numbered below
    const ordered = [...members].sort(
      (a, b) => zScores[a * d + column] - zScores[b * d + column] || a - b,
    );
    const name = shortNames[column];
    ordered.forEach((k, rank) => {
      const term =
        ordered.length === 2
          ? `${['lower', 'higher'][rank]} ${name}`
          : ordered.length === 3
            ? `${['lowest', 'middle', 'highest'][rank]} ${name}`
            : `${name} ${rank + 1} of ${ordered.length}`;
      out[k] = `${labels[k]} · ${term}`;
    });
  }
  const seen = new Map<string, number>();
  out.forEach((label) => seen.set(label, (seen.get(label) ?? 0) + 1));
  return out.map((label, k) => ((seen.get(label) ?? 0) > 1 ? `${label} (${k + 1})` : label));
}

function levelWord(z: number): string {
  if (z >= STRONG_THRESHOLD) return 'very high';
  if (z >= LEVEL_THRESHOLD) return 'high';
  if (z <= -STRONG_THRESHOLD) return 'very low';
  if (z <= -LEVEL_THRESHOLD) return 'low';
  return 'mid';
}

/** The short name a label uses: "Annual Income (k$)" → "annual income". */
export function shortColumnName(name: string): string {
  const short = name
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[_\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return short === '' ? name.trim().toLowerCase() : short;
}

/** A numeric profile column: per-segment (weighted) mean over rows with a value (NaN = missing). */
export function profileMeans(
  labels: Int32Array,
  values: Float64Array,
  nComponents: number,
  rowWeights?: Float64Array,
): number[] {
  const sums = new Float64Array(nComponents);
  const counts = new Float64Array(nComponents);
  for (let i = 0; i < labels.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    sums[labels[i]] += w * values[i];
    counts[labels[i]] += w;
  }
  return Array.from(sums, (sum, k) => (counts[k] > 0 ? sum / counts[k] : Number.NaN));
}

export interface CategoryShare {
  readonly category: string;
  readonly share: number;
}

/**
 * A categorical profile column (a code per row into `names`, its distinct cells): per
 * segment, each category's share of the rows (of their weight, with row weights),
 * largest first (ties by name). Missing values ("") are a category of their own only
 * if present.
 */
export function profileShares(
  labels: Int32Array,
  codes: Int32Array,
  names: readonly string[],
  nComponents: number,
  rowWeights?: Float64Array,
): CategoryShare[][] {
  // counts[k]: category code → rows of segment k in it (sparse: a column of ids has
  // as many categories as rows, so K dense arrays of them would be K·n).
  const counts = Array.from({ length: nComponents }, () => new Map<number, number>());
  const totals = new Float64Array(nComponents);
  for (let i = 0; i < labels.length; i++) {
    const w = rowWeights === undefined ? 1 : rowWeights[i];
    const segment = counts[labels[i]];
    segment.set(codes[i], (segment.get(codes[i]) ?? 0) + w);
    totals[labels[i]] += w;
  }
  return counts.map((segment, k) =>
    Array.from(segment, ([code, count]) => ({
      category: names[code],
      share: count / totals[k],
    })).sort(
      (a, b) =>
        b.share - a.share || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
    ),
  );
}
