/**
 * The canvas map's geometry, kept free of React and the DOM so it can be tested on its own: axis
 * ticks, the 3-D turn, the depth order, and a uniform grid over the drawn points so that finding
 * the point under the pointer looks at a few cells instead of every point.
 */

/** Rotates (x, y, z) by yaw about the vertical axis, then pitch about the horizontal one. */
export function rotate(
  x: number,
  y: number,
  z: number,
  yaw: number,
  pitch: number,
): [number, number, number] {
  const x1 = x * Math.cos(yaw) + z * Math.sin(yaw);
  const z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
  const y2 = y * Math.cos(pitch) - z1 * Math.sin(pitch);
  const z2 = y * Math.sin(pitch) + z1 * Math.cos(pitch);
  return [x1, y2, z2];
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max - min < 1e-12) {
    const pad = Math.abs(min) > 1e-12 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/**
 * Indices sorted by ascending key through one native typed-array sort: each key is quantised to
 * 20 bits and packed with the index into a double, which sorts without a comparator callback
 * (several times faster than `indices.sort((a, b) => …)` for 20,000 points).
 */
export function orderByKey(keys: Float64Array): Int32Array {
  const n = keys.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  const scale = max > min ? (2 ** 20 - 1) / (max - min) : 0;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = Math.round((keys[i]! - min) * scale) * 2 ** 24 + i;
  packed.sort();
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = packed[t]! % 2 ** 24;
  return order;
}

/** Points bucketed by screen cell: cell c holds items[start[c]..start[c + 1]). */
export interface PointGrid {
  readonly cell: number;
  readonly cols: number;
  readonly rows: number;
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/**
 * Buckets the points drawn at (sx, sy) inside a width x height area by cells of `cell` pixels
 * (a counting sort: two passes, no allocation per point). Points outside the area are left out:
 * nobody can point at them. Within a cell the items keep `drawOrder`, so the last one found is the
 * one drawn on top.
 */
export function buildGrid(
  sx: Float32Array,
  sy: Float32Array,
  width: number,
  height: number,
  cell: number,
  drawOrder?: Int32Array,
): PointGrid {
  const cols = Math.max(1, Math.ceil(width / cell));
  const rows = Math.max(1, Math.ceil(height / cell));
  const n = sx.length;
  const cellOf = new Int32Array(n).fill(-1);
  const counts = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const x = sx[i]!;
    const y = sy[i]!;
    if (!(x >= 0 && x < width && y >= 0 && y < height)) continue;
    const c = Math.floor(y / cell) * cols + Math.floor(x / cell);
    cellOf[i] = c;
    counts[c + 1]!++;
  }
  for (let c = 0; c < cols * rows; c++) counts[c + 1]! += counts[c]!;
  const start = counts.slice();
  const fill = counts.slice(0, cols * rows);
  const items = new Int32Array(start[cols * rows]!);
  for (let t = 0; t < n; t++) {
    const i = drawOrder ? drawOrder[t]! : t;
    const c = cellOf[i]!;
    if (c >= 0) items[fill[c]!++] = i;
  }
  return { cell, cols, rows, start, items };
}

/**
 * The point nearest (x, y) within `radius` pixels, or -1. Among points closer than one dot's
 * radius to each other the one drawn last wins, as that is the one the user sees.
 */
export function nearestPoint(
  grid: PointGrid,
  sx: Float32Array,
  sy: Float32Array,
  x: number,
  y: number,
  radius: number,
): number {
  const { cell, cols, rows, start, items } = grid;
  const c0 = Math.max(0, Math.floor((x - radius) / cell));
  const c1 = Math.min(cols - 1, Math.floor((x + radius) / cell));
  const r0 = Math.max(0, Math.floor((y - radius) / cell));
  const r1 = Math.min(rows - 1, Math.floor((y + radius) / cell));
  let best = -1;
  let bestD = radius * radius;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cellId = r * cols + c;
      for (let t = start[cellId]!; t < start[cellId + 1]!; t++) {
        const i = items[t]!;
        const dx = sx[i]! - x;
        const dy = sy[i]! - y;
        const d = dx * dx + dy * dy;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
    }
  }
  return best;
}

export type Direction = "left" | "right" | "up" | "down";

/**
 * For keyboard use: from point `from`, the nearest drawn point that lies in the given direction
 * (within 45 degrees of it), or `from` itself when there is none. Screen coordinates, y down.
 */
export function nextInDirection(
  sx: Float32Array,
  sy: Float32Array,
  from: number,
  direction: Direction,
  isVisible: (i: number) => boolean = () => true,
): number {
  const x0 = sx[from]!;
  const y0 = sy[from]!;
  let best = from;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let i = 0; i < sx.length; i++) {
    if (i === from || !isVisible(i)) continue;
    const dx = sx[i]! - x0;
    const dy = sy[i]! - y0;
    const along = direction === "left" ? -dx : direction === "right" ? dx : direction === "up" ? -dy : dy;
    const across = direction === "left" || direction === "right" ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0 || across > along) continue;
    // Straight ahead first: sideways distance counts double.
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** A dot as pixel offsets from its centre with the share of each pixel it covers (antialiased edge). */
export interface DotStamp {
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly coverage: Float32Array;
}

export function dotStamp(radius: number): DotStamp {
  const reach = Math.ceil(radius + 0.5);
  const dx: number[] = [];
  const dy: number[] = [];
  const coverage: number[] = [];
  for (let y = -reach; y <= reach; y++) {
    for (let x = -reach; x <= reach; x++) {
      const c = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x, y)));
      if (c <= 0) continue;
      dx.push(x);
      dy.push(y);
      coverage.push(c);
    }
  }
  return { dx: Int32Array.from(dx), dy: Int32Array.from(dy), coverage: Float32Array.from(coverage) };
}

/** "#rrggbb" as [r, g, b]. */
export function parseHex(color: string): [number, number, number] {
  const v = Number.parseInt(color.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Paints dots straight into an RGBA pixel buffer (non-premultiplied, as ImageData holds it), in
 * `order`, each blended over what is there ("source-over"). For 20,000 dots this is one tight loop
 * and a single putImageData, where 20,000 drawImage calls cost a software-rendered canvas several
 * frames. Positions are in CSS pixels; `scale` is the device pixel ratio.
 */
export function splatDots(
  pixels: Uint8ClampedArray,
  width: number,
  height: number,
  sx: Float32Array,
  sy: Float32Array,
  order: Int32Array,
  colorIndex: Uint8Array,
  colors: ReadonlyArray<readonly [number, number, number]>,
  opacity: number,
  stamp: DotStamp,
  scale: number,
): void {
  pixels.fill(0);
  const { dx, dy, coverage } = stamp;
  const m = dx.length;
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    const cx = Math.round(sx[i]! * scale);
    const cy = Math.round(sy[i]! * scale);
    const color = colors[colorIndex[i]!];
    if (!color) continue;
    const [r, g, b] = color;
    for (let s = 0; s < m; s++) {
      const x = cx + dx[s]!;
      const y = cy + dy[s]!;
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const o = 4 * (y * width + x);
      const a = opacity * coverage[s]!;
      const da = pixels[o + 3]! / 255;
      const outA = a + da * (1 - a);
      const keep = (da * (1 - a)) / outA;
      const add = a / outA;
      pixels[o] = r * add + pixels[o]! * keep;
      pixels[o + 1] = g * add + pixels[o + 1]! * keep;
      pixels[o + 2] = b * add + pixels[o + 2]! * keep;
      pixels[o + 3] = outA * 255;
    }
  }
}
