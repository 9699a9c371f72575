/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32. Every random draw of a run comes from a `Random` made from the user's
 * seed plus the identity of the work it serves (K, covariance type, restart), so a
 * restart draws the same numbers whatever order or thread it runs in.
 */

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** `stream` is any list of integers (seed first); different lists give independent streams. */
  constructor(...stream: number[]) {
    let state = 0x6a09e667;
    for (const value of stream) {
      // Fold each value (up to 2^53) in as two 32-bit halves, keeping splitmix32's
      // mixed output (its counter alone is linear: lists differing in low bits collide).
      const low = value >>> 0;
      const high = Math.floor(value / 4294967296) >>> 0;
      [, state] = splitmix32(state ^ low);
      [, state] = splitmix32(state ^ high);
    }
    let word: number;
    [state, word] = splitmix32(state);
    this.s0 = word;
    [state, word] = splitmix32(state);
    this.s1 = word;
    [state, word] = splitmix32(state);
    this.s2 = word;
    [, word] = splitmix32(state);
    this.s3 = word;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** A standard normal draw (Box–Muller, polar form). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** `count` distinct indices from [0, n) (Floyd's algorithm), in draw order. */
export function sampleDistinct(n: number, count: number, random: Random): number[] {
  const chosen = new Set<number>();
  const order: number[] = [];
  for (let j = n - count; j < n; j++) {
    const t = random.nextInt(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    order.push(pick);
  }
  return order;
}
