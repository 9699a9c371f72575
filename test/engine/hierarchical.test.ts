/**
 * Ward's hierarchy by the nearest-neighbour chain against the textbook algorithm: at
 * every step merge the pair of clusters whose merge raises the within-cluster sum of
 * squares least. Both cut at K must give the same partition.
 */
import { describe, expect, it } from 'vitest';
import { wardLabels } from '../../src/engine/hierarchical.js';
import { Random } from '../../src/engine/random.js';
import { greedyAgglomeration, randomRows, toDataMatrix, type Matrix } from './reference.js';

/** Naive Ward: O(n³), clusters as lists of rows; returns each row's cluster as a set id. */
function naiveWard(rows: Matrix, K: number): number[][] {
  const sse = (members: number[]) => {
    const d = rows[0].length;
    const mean = Array.from(
      { length: d },
      (_, j) => members.reduce((s, i) => s + rows[i][j], 0) / members.length,
    );
    return members.reduce((s, i) => s + rows[i].reduce((t, v, j) => t + (v - mean[j]) ** 2, 0), 0);
  };
  return greedyAgglomeration(rows.length, K, sse);
}

/** The partition given by labels, in the same canonical form. */
function partition(labels: Int32Array): number[][] {
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => groups.set(label, [...(groups.get(label) ?? []), i]));
  return [...groups.values()].sort((x, y) => x[0] - y[0]);
}

describe('wardLabels', () => {
  it.each([2, 3, 5, 8])('K=%i: the partition of the textbook algorithm', (K) => {
    const rows = randomRows(new Random(8, K), 40, 3);
    const labels = wardLabels(toDataMatrix(rows), K);
    expect(new Set(labels).size).toBe(K);
    expect(partition(labels)).toEqual(naiveWard(rows, K));
  });

  it('rows past maxRows join the nearest cluster centre', () => {
    // two far clouds; the hierarchy sees the first 20 rows, the rest are assigned
    const random = new Random(3);
    const rows = Array.from({ length: 60 }, (_, i) => {
      const offset = i % 2 === 0 ? 0 : 50;
      return [offset + random.nextNormal(), offset + random.nextNormal()];
    });
    const labels = wardLabels(toDataMatrix(rows), 2, 20);
    for (let i = 0; i < rows.length; i++) expect(labels[i]).toBe(labels[i % 2]);
    expect(labels[0]).not.toBe(labels[1]);
  });
});
