/** Random: reproducible streams, ranges, and the moments of its distributions. */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/engine/random.js';

function draws(random: Random, count: number): number[] {
  return Array.from({ length: count }, () => random.nextUint32());
}

/**
 * xoshiro128** (Blackman & Vigna, xoshiro128starstar.c) written independently with
 * BigInt arithmetic modulo 2³², to check the generator's core from a set state.
 */
function referenceXoshiro128(state: [number, number, number, number], count: number): number[] {
  const M = 0xffffffffn;
  const s = state.map((v) => BigInt(v));
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1] * 5n) & M, 7n) * 9n) & M));
    const t = (s[1] << 9n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

describe('Random streams', () => {
  it('the same stream gives the same numbers', () => {
    const a = new Random(42, 3, 1, 0);
    const b = new Random(42, 3, 1, 0);
    expect(draws(b, 1000)).toEqual(draws(a, 1000));
    const c = new Random(42, 3, 1, 0);
    const d = new Random(42, 3, 1, 0);
    for (let i = 0; i < 1000; i++) {
      expect(d.nextNormal()).toBe(c.nextNormal());
      expect(d.nextFloat()).toBe(c.nextFloat());
      expect(d.nextInt(17)).toBe(c.nextInt(17));
    }
  });

  it('different stream ids give different numbers', () => {
    const streams: number[][] = [
      [1],
      [2],
      [1, 0],
      [1, 1],
      [1, 2, 3],
      [0],
      [2 ** 32],
      [2 ** 40 + 5],
      [5],
      [],
      [7, 3, 1, 0],
      [7, 3, 0, 2],
    ];
    const sequences = streams.map((stream) => draws(new Random(...stream), 8).join(','));
    expect(new Set(sequences).size).toBe(streams.length);
  });
});

/**
 * Lists that once collided, when the constructor kept splitmix32's counter instead of
 * its mixed output ([1, 0] = [0, 1], [seed, K, type, start] = [seed ^ 1, …, start ^ 1]).
 */
describe('Random streams (formerly colliding lists)', () => {
  const collisions: [number[], number[]][] = [
    [
      [1, 0],
      [0, 1],
    ],
    [
      [1, 1],
      [0, 0],
    ],
    [
      [1, 2, 3],
      [1, 3, 2],
    ],
    [
      [1, 2],
      [2 ** 32, 0],
    ],
    // seed 1 start 0 and seed 0 start 1 (K = 3, full)
    [
      [1, 3, 0, 0],
      [0, 3, 0, 1],
    ],
    // full start 1 and tied start 0 (seed 7, K = 3)
    [
      [7, 3, 0, 1],
      [7, 3, 1, 0],
    ],
  ];
  for (const [a, b] of collisions) {
    it(`[${a.join(', ')}] and [${b.join(', ')}] give different numbers`, () => {
      expect(draws(new Random(...b), 8)).not.toEqual(draws(new Random(...a), 8));
    });
  }

  it('the core is xoshiro128**: from state (1, 2, 3, 4) by hand, then a BigInt reference', () => {
    // by hand: rotl(2·5, 7)·9 = 1280·9; then state (7, 0, 1026, 12288) → 0;
    // then (12295, 1029, 1029, 25165824) → rotl(5145, 7)·9 = 658560·9
    expect(referenceXoshiro128([1, 2, 3, 4], 3)).toEqual([11520, 0, 5927040]);
    const random = new Random(0);
    Object.assign(random as unknown as Record<string, number>, { s0: 1, s1: 2, s2: 3, s3: 4 });
    expect(draws(random, 2000)).toEqual(referenceXoshiro128([1, 2, 3, 4], 2000));
  });
});

describe('Random distributions', () => {
  const COUNT = 100_000;

  it('nextUint32 is a 32-bit unsigned integer with balanced top and bottom bits', () => {
    const random = new Random(9);
    let top = 0;
    let bottom = 0;
    for (let i = 0; i < COUNT; i++) {
      const u = random.nextUint32();
      if (!(Number.isInteger(u) && u >= 0 && u < 2 ** 32)) throw new Error(`nextUint32 gave ${u}`);
      top += u >>> 31;
      bottom += u & 1;
    }
    // binomial(1e5, ½): SD ≈ 158, allow 5 SD
    expect(Math.abs(top - COUNT / 2)).toBeLessThan(800);
    expect(Math.abs(bottom - COUNT / 2)).toBeLessThan(800);
  });

  it('nextFloat lies in [0, 1) and is uniform over deciles', () => {
    const random = new Random(123);
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < COUNT; i++) {
      const u = random.nextFloat();
      if (!(u >= 0 && u < 1)) throw new Error(`nextFloat gave ${u}`);
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      deciles[Math.floor(u * 10)] += 1;
    }
    // the mean of U(0,1) has SD √(1/12/1e5) ≈ 0.0009
    expect(Math.abs(sum / COUNT - 0.5)).toBeLessThan(0.005);
    // each decile: binomial(1e5, 0.1), SD ≈ 95
    for (const count of deciles) expect(Math.abs(count - COUNT / 10)).toBeLessThan(500);
    expect(min).toBeLessThan(1e-3);
    expect(max).toBeGreaterThan(1 - 1e-3);
  });

  it('nextInt(n) covers 0..n−1 evenly', () => {
    const random = new Random(77);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const v = random.nextInt(7);
      if (!(Number.isInteger(v) && v >= 0 && v < 7)) throw new Error(`nextInt(7) gave ${v}`);
      counts[v] += 1;
    }
    // binomial(7e4, 1/7): SD ≈ 93
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(new Random(1).nextInt(1)).toBe(0);
  });

  it('nextNormal has mean 0, variance 1 and the normal share within one SD', () => {
    const random = new Random(2718);
    let sum = 0;
    let sumSquares = 0;
    let sumCubes = 0;
    let sumFourth = 0;
    let withinOne = 0;
    for (let i = 0; i < COUNT; i++) {
      const z = random.nextNormal();
      sum += z;
      sumSquares += z * z;
      sumCubes += z ** 3;
      sumFourth += z ** 4;
      if (Math.abs(z) < 1) withinOne += 1;
    }
    const mean = sum / COUNT;
    const variance = sumSquares / COUNT - mean * mean;
    // SE of the mean 0.0032, of the variance √(2/1e5) = 0.0045
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    // skewness 0 (SE √(6/n) ≈ 0.008) and kurtosis 3 (SE √(24/n) ≈ 0.015)
    expect(Math.abs(sumCubes / COUNT)).toBeLessThan(0.04);
    expect(Math.abs(sumFourth / COUNT - 3)).toBeLessThan(0.08);
    // P(|Z| < 1) = 0.682689, SE ≈ 0.0015
    expect(Math.abs(withinOne / COUNT - 0.682689)).toBeLessThan(0.007);
  });

  it('consecutive normals are uncorrelated (the Box–Muller pair included)', () => {
    const random = new Random(31);
    let product = 0;
    const pairs = 50_000;
    for (let i = 0; i < pairs; i++) product += random.nextNormal() * random.nextNormal();
    // the mean of a product of independent standard normals has SE 1/√n ≈ 0.0045
    expect(Math.abs(product / pairs)).toBeLessThan(0.025);
  });
});
