import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { QuadTree } from "./quadtree.js";
import { InteractionList, repulsion } from "./repulsion.js";
import { repulsionKernel } from "./tsne-wasm.js";

/** A clustered 2-D layout like a t-SNE map's: a few groups, different spreads, some twins. */
function layout(n: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 5;
    y[2 * i] = c * 8 + random.normal() * (1 + c);
    y[2 * i + 1] = (c % 2) * 6 + random.normal() * (1 + c / 2);
  }
  y[2] = y[0]!;
  y[3] = y[1]!;
  return y;
}

function exact(y: Float64Array) {
  const n = y.length / 2;
  const rep = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      z += q;
      rep[2 * i]! += q * q * dx;
      rep[2 * i + 1]! += q * q * dy;
    }
  }
  return { z, rep };
}

describe("Barnes-Hut repulsion", () => {
  const n = 1500;
  const y = layout(n, 7);
  const reference = exact(y);

  it("equals the exact sums when theta is 0", () => {
    const tree = new QuadTree(n);
    tree.build(y);
    const rep = new Float64Array(2 * n);
    const z = repulsion(tree, 0, rep, new InteractionList(16));
    expect(z).toBeCloseTo(reference.z, 6);
    for (let c = 0; c < 2 * n; c++) expect(rep[c]!).toBeCloseTo(reference.rep[c]!, 10);
  });

  it("stays within a percent of the exact forces at theta 0.5", () => {
    const tree = new QuadTree(n);
    tree.build(y);
    const rep = new Float64Array(2 * n);
    const z = repulsion(tree, 0.25, rep, new InteractionList(16));
    expect(Math.abs(z - reference.z) / reference.z).toBeLessThan(0.01);
    let err = 0;
    let norm = 0;
    for (let c = 0; c < 2 * n; c++) {
      err += (rep[c]! - reference.rep[c]!) ** 2;
      norm += reference.rep[c]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.01);
  });

  it("gives every point to exactly one group", () => {
    const tree = new QuadTree(n, 16, 2);
    tree.build(y);
    const covered = new Int32Array(n);
    for (let g = 0; g < tree.groupCount; g++) {
      const node = tree.groups[g]!;
      for (let t = tree.start[node]!; t < tree.start[node]! + tree.count[node]!; t++)
        covered[tree.order[t]!]!++;
    }
    expect(Array.from(covered).every((c) => c === 1)).toBe(true);
  });

  it("builds a tree whose children split their parent's points, each inside its node's box", () => {
    const tree = new QuadTree(n, 64, 8);
    tree.build(y);
    expect(Array.from(tree.order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (let node = 0; node < tree.size; node++) {
      const s = tree.start[node]!;
      const e = s + tree.count[node]!;
      for (let t = s; t < e; t++) {
        expect(tree.px[t]).toBe(y[2 * tree.order[t]!]);
        expect(tree.px[t]!).toBeGreaterThanOrEqual(tree.x0[node]!);
        expect(tree.px[t]!).toBeLessThanOrEqual(tree.x1[node]!);
        expect(tree.py[t]!).toBeGreaterThanOrEqual(tree.y0[node]!);
        expect(tree.py[t]!).toBeLessThanOrEqual(tree.y1[node]!);
      }
      const first = tree.firstChild[node]!;
      if (first < 0) {
        expect(tree.count[node]! <= 8 || tree.width[node]! < tree.width[0]! / 2 ** 15).toBe(true);
        continue;
      }
      let at = s;
      for (let c = first; c < first + tree.children[node]!; c++) {
        expect(tree.start[c]).toBe(at);
        expect(tree.width[c]).toBe(tree.width[node]! / 2);
        at += tree.count[c]!;
      }
      expect(at).toBe(e);
    }
  });

  it("gives the same bits in the WebAssembly kernel as in the JS loop", () => {
    const tree = new QuadTree(n);
    tree.build(y);
    const js = new Float64Array(2 * n);
    const zJs = repulsion(tree, 0.25, js, new InteractionList(16));
    const kernel = repulsionKernel(n);
    expect(kernel).not.toBeNull();
    const wasm = new Float64Array(2 * n);
    const zWasm = repulsion(tree, 0.25, wasm, new InteractionList(16), kernel);
    expect(zWasm).toBe(zJs);
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });
});
