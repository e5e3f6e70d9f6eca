/**
 * Seeded pseudo-random numbers. xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded
 * through splitmix32 so that nearby seeds (0, 1, 2, ...) give unrelated streams. 32-bit integer
 * arithmetic keeps every step in V8's fast small-integer paths; no BigInt, no allocation.
 */
export interface Random {
  /** Uniform in [0, 1), 53 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (mean 0, variance 1), Marsaglia's polar method. */
  normal(): number;
}

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

/** A child seed for stream `index` of `seed` (one per k-means restart, per worker chunk, ...). */
export function deriveSeed(seed: number, index: number): number {
  let [, a] = splitmix32(Math.imul(seed | 0, 0x27d4eb2d) ^ (Math.floor(seed / 4294967296) | 0));
  [, a] = splitmix32(a ^ Math.imul(index + 1, 0x165667b1));
  return a;
}

export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Fold the high part of large seeds in so that 2**32 + 1 differs from 1.
  let st = (seed | 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b1);
  let s0: number;
  let s1: number;
  let s2: number;
  let s3: number;
  [st, s0] = splitmix32(st);
  [st, s1] = splitmix32(st);
  [st, s2] = splitmix32(st);
  [st, s3] = splitmix32(st);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is the one fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  let spare = 0;
  let hasSpare = false;

  const next = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  return {
    next,
    int(n: number): number {
      return Math.floor(next() * n);
    },
    normal(): number {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * m;
      hasSpare = true;
      return u * m;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
