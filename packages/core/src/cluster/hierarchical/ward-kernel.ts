/**
 * The scan of Ward's nearest-neighbour chain: among the live clusters (size > 0) other than
 * `self`, the one with the smallest Ward distance sqrt(2 n_a n_b / (n_a + n_b) |c_a - c_b|^2)
 * to `self`, keeping `best` on ties so the lowest index wins as in SciPy. Generated per d (up to
 * 32) with the centroid in locals, like the silhouette's distance kernel, because V8 runs that
 * several times faster than a loop over the columns; larger d uses the plain loop.
 *
 * Returns the winner's position, and writes its distance to result[0]. Positions index the
 * compacted arrays `centroids` (m * d) and `sizes` (m).
 */
export type WardScanKernel = (
  centroids: Float64Array,
  sizes: Float64Array,
  m: number,
  self: number,
  best: number,
  bestDistance: number,
  result: Float64Array,
) => number;

const MAX_UNROLLED_DIMENSION = 32;
const cache = new Map<number, WardScanKernel>();

function generic(d: number): WardScanKernel {
  return (centroids, sizes, m, self, best, bestDistance, result) => {
    const so = self * d;
    const ns = sizes[self]!;
    let winner = best;
    let min = bestDistance;
    for (let i = 0, io = 0; i < m; i++, io += d) {
      const ni = sizes[i]!;
      if (ni === 0 || i === self) continue;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = centroids[so + t]! - centroids[io + t]!;
        s += e * e;
      }
      const v = Math.sqrt(((2 * ns * ni) / (ns + ni)) * s);
      if (v < min) {
        min = v;
        winner = i;
      }
    }
    result[0] = min;
    return winner;
  };
}

function unrolled(d: number): WardScanKernel {
  const lines = (f: (t: number) => string) => Array.from({ length: d }, (_, t) => f(t)).join("\n");
  const source = `
    const so = self * ${d};
    const ns = sizes[self];
    ${lines((t) => `const x${t} = centroids[so + ${t}];`)}
    let winner = best;
    let min = bestDistance;
    for (let i = 0, io = 0; i < m; i++, io += ${d}) {
      const ni = sizes[i];
      if (ni === 0 || i === self) continue;
      let s = 0, e = 0;
      ${lines((t) => `e = x${t} - centroids[io + ${t}]; s += e * e;`)}
      const v = Math.sqrt(((2 * ns * ni) / (ns + ni)) * s);
      if (v < min) {
        min = v;
        winner = i;
      }
    }
    result[0] = min;
    return winner;`;
  return new Function(
    "centroids",
    "sizes",
    "m",
    "self",
    "best",
    "bestDistance",
    "result",
    source,
  ) as WardScanKernel;
}

export function wardScanKernel(d: number): WardScanKernel {
  let kernel = cache.get(d);
  if (kernel === undefined) {
    kernel = Number.isInteger(d) && d >= 1 && d <= MAX_UNROLLED_DIMENSION ? unrolled(d) : generic(d);
    cache.set(d, kernel);
  }
  return kernel;
}
