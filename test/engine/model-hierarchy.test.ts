/**
 * The model-based hierarchy (mclust's hcvvv on the SVD transform) against two
 * independent references: a naive agglomeration written from hcvvv's definition in
 * plain matrices (every cluster's scatter kept as a matrix, determinants by
 * elimination, no rotations, positions or caches), and mclust's own partitions of
 * five data sets, `hclass(hc(X), 2:9)` (mclust 6.0.0,
 * fixtures/reference/make-mclust-hc-reference.R).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingularValueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  modelHierarchy,
  modelHierarchyLabels,
  svdTransform,
} from '../../src/engine/model-hierarchy.js';
import { Random } from '../../src/engine/random.js';
import {
  canonicalPartition,
  determinant,
  randomRows,
  toDataMatrix,
  zeros,
  type Matrix,
} from './reference.js';

const root = join(import.meta.dirname, '..', '..');

interface NaiveCluster {
  members: number[];
  mean: number[];
  trace: number;
  /** the scatter the cluster's factor holds right after it is made */
  fresh: Matrix;
  /** what mclust stores of it: the rows (0..0, w_t..w_d), t ≤ min(n−1, d), of w = its factor's first row */
  stored: Matrix;
  term: number;
}

/**
 * hcvvv by its definition: term(n, t, S) = n log((t+α)/n) for n ≤ d (and the first
 * pairs of single rows), n log(α/n) for t = 0, n log(det(S/n) + (t+α)/n) otherwise; the
 * cost of a pair is term(union) − the parts' terms, computed when the younger of the
 * two is made, from the younger's fresh scatter and the older's stored one; the
 * cheapest pair merges (data without ties: no rule needed), its fresh scatter from
 * the newest cluster's fresh scatter if it is one of the two, else from both stored.
 * Returns the clusters after each merge, as canonical partitions, keyed by count.
 */
function naiveMclust(rows: Matrix): Map<number, number[][]> {
  const d = rows[0].length;
  const n = rows.length;
  const grand = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const alpha =
    rows.reduce((s, r) => s + r.reduce((t, v, j) => t + (v - grand[j]) ** 2, 0), 0) / (n * d);
  const term = (size: number, trace: number, scatter: Matrix): number => {
    if (size <= d) return size * Math.log((trace + alpha) / size);
    if (trace === 0) return size * Math.log(alpha / size);
    const det = determinant(scatter.map((row) => row.map((v) => v / size)));
    return size * Math.log(det + (trace + alpha) / size);
  };
  const add = (a: Matrix, b: Matrix) => a.map((row, r) => row.map((v, c) => v + b[r][c]));
  let clusters: NaiveCluster[] = rows.map((row, i) => ({
    members: [i],
    mean: [...row],
    trace: 0,
    fresh: zeros(d, d),
    stored: zeros(d, d),
    term: Math.log(alpha),
  }));
  /** the union of a and b, its scatter from sa and sb */
  const union = (a: NaiveCluster, b: NaiveCluster, sa: Matrix, sb: Matrix) => {
    const size = a.members.length + b.members.length;
    const f = (a.members.length * b.members.length) / size;
    const delta = a.mean.map((v, j) => v - b.mean[j]);
    const scatter = add(
      add(sa, sb),
      delta.map((x) => delta.map((y) => f * x * y)),
    );
    const trace = a.trace + b.trace + f * delta.reduce((s, x) => s + x * x, 0);
    return { size, scatter, trace };
  };
  const pairCost = (a: NaiveCluster, b: NaiveCluster, younger: NaiveCluster) => {
    const older = younger === a ? b : a;
    const { size, scatter, trace } = union(younger, older, younger.fresh, older.stored);
    const cost =
      a.members.length === 1 && b.members.length === 1
        ? 2 * Math.log((trace + alpha) / 2)
        : term(size, trace, scatter);
    return cost - a.term - b.term;
  };
  const cost = new Map<string, number>();
  const key = (a: NaiveCluster, b: NaiveCluster) =>
    [a.members[0], b.members[0]].sort((x, y) => x - y).join(',');
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++)
      cost.set(key(clusters[a], clusters[b]), pairCost(clusters[a], clusters[b], clusters[b]));
  }
  const partitions = new Map<number, number[][]>();
  let newest: NaiveCluster | undefined;
  while (clusters.length > 1) {
    let best: [NaiveCluster, NaiveCluster] = [clusters[0], clusters[1]];
    let bestCost = Infinity;
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        const c = cost.get(key(clusters[a], clusters[b]))!;
        if (c < bestCost) {
          bestCost = c;
          best = [clusters[a], clusters[b]];
        }
      }
    }
    const [a, b] = best;
    const fromFresh =
      newest === a
        ? [a.fresh, b.stored]
        : newest === b
          ? [a.stored, b.fresh]
          : [a.stored, b.stored];
    const { size, scatter, trace } = union(a, b, fromFresh[0], fromFresh[1]);
    const k = Math.min(size - 1, d);
    const w = scatter[0].map((v) => v / Math.sqrt(scatter[0][0]));
    const merged: NaiveCluster = {
      members: [...a.members, ...b.members].sort((x, y) => x - y),
      mean: a.mean.map((v, j) => (a.members.length * v + b.members.length * b.mean[j]) / size),
      trace,
      fresh: scatter,
      stored: w.map((x, r) => w.map((y, c) => Math.min(r + 1, c + 1, k) * x * y)),
      term: bestCost + a.term + b.term,
    };
    clusters = clusters.filter((c) => c !== a && c !== b);
    for (const c of clusters) cost.set(key(c, merged), pairCost(c, merged, merged));
    clusters.push(merged);
    newest = merged;
    partitions.set(clusters.length, canonicalPartition(clusters.map((c) => c.members)));
  }
  return partitions;
}

/** The partition of `labels`, canonical. */
function partition(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  Array.from(labels).forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
  return canonicalPartition([...groups.values()]);
}

/** The hierarchy of `rows` as they are (no transform), cut at K. */
function cut(rows: Matrix, K: number): number[][] {
  const n = rows.length;
  const d = rows[0].length;
  const { keep, drop } = modelHierarchy(
    toDataMatrix(rows).values,
    n,
    d,
    new Float64Array(n).fill(1),
  );
  const label = Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < n - K; e++) {
    const from = label[drop[e]];
    const to = label[keep[e]];
    for (let i = 0; i < n; i++) if (label[i] === from) label[i] = to;
  }
  return partition(label);
}

describe('modelHierarchy', () => {
  it('three elongated clouds in 2-D, every K: the naive agglomeration', () => {
    // clusters grow past d, so the determinant (and what mclust stores of each
    // cluster's factor) decides the later merges
    const random = new Random(11, 3);
    const rows: Matrix = [];
    for (let i = 0; i < 36; i++) {
      const c = i % 3;
      const t = 3 * random.nextNormal();
      rows.push([8 * c + t + 0.3 * random.nextNormal(), (c - 1) * t + 0.3 * random.nextNormal()]);
    }
    const naive = naiveMclust(rows);
    for (let K = 1; K < rows.length; K++) expect(cut(rows, K)).toEqual(naive.get(K));
  });

  it.each([3, 4])('%i columns, every K: the naive agglomeration', (d) => {
    const rows = randomRows(new Random(5, d), 30, d);
    const naive = naiveMclust(rows);
    for (let K = 1; K < rows.length; K++) expect(cut(rows, K)).toEqual(naive.get(K));
  });

  it('rows of size 0 take no part; size 1 everywhere is the unweighted hierarchy', () => {
    const rows = randomRows(new Random(8), 20, 2);
    const values = toDataMatrix(rows).values;
    const ones = modelHierarchy(values, 20, 2, new Float64Array(20).fill(1));
    const sizes = new Float64Array(20).fill(1);
    sizes[3] = 0;
    sizes[17] = 0;
    const some = modelHierarchy(values, 20, 2, sizes);
    expect(some.keep.length).toBe(17);
    const rest = rows.filter((_, i) => sizes[i] > 0);
    const index = rows.map((_, i) => i).filter((i) => sizes[i] > 0);
    const alone = modelHierarchy(toDataMatrix(rest).values, 18, 2, new Float64Array(18).fill(1));
    expect(Array.from(some.keep)).toEqual(Array.from(alone.keep, (i) => index[i]));
    expect(Array.from(some.drop)).toEqual(Array.from(alone.drop, (i) => index[i]));
    expect(ones.keep.length).toBe(19);
  });
});

describe('svdTransform', () => {
  it('Z Zᵀ = U S Uᵀ of the standardised rows X = U S Vᵀ', () => {
    const rows = randomRows(new Random(2), 25, 4).map((r) => [
      r[0],
      r[1] + r[0],
      3 * r[2],
      r[3] - r[1],
    ]);
    const n = rows.length;
    const d = 4;
    const z = svdTransform(toDataMatrix(rows).values, n, d, new Float64Array(n).fill(1));
    expect(z.columns).toBe(d);
    // standardise with the sample sd, as R's scale() does
    const standard = rows.map((r) => [...r]);
    for (let j = 0; j < d; j++) {
      const mean = rows.reduce((s, r) => s + r[j], 0) / n;
      const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / (n - 1));
      standard.forEach((r) => (r[j] = (r[j] - mean) / sd));
    }
    const svd = new SingularValueDecomposition(new MlMatrix(standard));
    const u = svd.leftSingularVectors;
    const s = svd.diagonal;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let expected = 0;
        for (let c = 0; c < d; c++) expected += u.get(a, c) * s[c] * u.get(b, c);
        let actual = 0;
        for (let c = 0; c < d; c++) actual += z.values[a * d + c] * z.values[b * d + c];
        expect(actual).toBeCloseTo(expected, 10);
      }
    }
  });
});

describe('modelHierarchyLabels', () => {
  const reference = JSON.parse(
    readFileSync(join(root, 'fixtures', 'reference', 'mclust-hc.json'), 'utf8'),
  ) as { sets: Record<string, { file: string; partitions: Record<string, number[]> }> };
  it.each(Object.keys(reference.sets))("%s, K = 2..9: mclust's hclass(hc(X), 2:9)", (name) => {
    const set = reference.sets[name];
    const rows = readFileSync(join(root, set.file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number));
    const data = toDataMatrix(rows);
    for (let K = 2; K <= 9; K++) {
      expect(partition(modelHierarchyLabels(data, K))).toEqual(
        partition(set.partitions[String(K)]),
      );
    }
  });

  it('a row of weight 0 joins the nearest cluster; the others are cut as without it', () => {
    const random = new Random(4, 1);
    const rows = Array.from({ length: 30 }, (_, i) => {
      const offset = i % 2 === 0 ? 0 : 40;
      return [offset + random.nextNormal(), offset + random.nextNormal()];
    });
    const weights = Float64Array.from(rows, (_, i) => (i === 6 || i === 9 ? 0 : 1));
    const weighted = { ...toDataMatrix(rows), rowWeights: weights };
    const labels = modelHierarchyLabels(weighted, 2);
    for (let i = 0; i < 30; i++) expect(labels[i]).toBe(labels[i % 2]);
    expect(labels[0]).not.toBe(labels[1]);
  });

  it('constant data: one cluster', () => {
    const rows = Array.from({ length: 12 }, () => [3, -1]);
    expect(Array.from(modelHierarchyLabels(toDataMatrix(rows), 3))).toEqual(
      new Array<number>(12).fill(0),
    );
  });

  it('rows past maxRows join the nearest cluster centre', () => {
    const random = new Random(4);
    const rows = Array.from({ length: 40 }, (_, i) => {
      const offset = i % 2 === 0 ? 0 : 40;
      return [offset + random.nextNormal(), offset + random.nextNormal()];
    });
    const labels = modelHierarchyLabels(toDataMatrix(rows), 2, 16);
    for (let i = 0; i < 40; i++) expect(labels[i]).toBe(labels[i % 2]);
    expect(labels[0]).not.toBe(labels[1]);
  });
});
