import { QuadTree } from "./quadtree.js";
import { InteractionList, repulsion } from "./repulsion.js";
import type { AttractionKernel, RepulsionKernel } from "./tsne-wasm.js";

const EARLY_EXAGGERATION = 12;

/** What one step leaves for the optimiser, two sets used in turn (a step's parity picks one). */
export interface StepBuffers {
  /** Repulsion per point, sum_j q_ij^2 (y_i - y_j), (x, y) per point. */
  readonly rep: readonly [Float64Array, Float64Array];
  /** Each group's share of Z at its first point's tree position. */
  readonly zAt: readonly [Float64Array, Float64Array];
  /** List length per tree position: balances the next step's repulsion parts. */
  readonly cost: readonly [Float64Array, Float64Array];
  /** The attraction of the rows below `splitRow` ([0]) and from it on ([1]), (x, y) per point. */
  readonly attraction: readonly [
    readonly [Float64Array, Float64Array],
    readonly [Float64Array, Float64Array],
  ];
}

export function stepBuffers(n: number, alloc: (length: number) => Float64Array): StepBuffers {
  const pair = (length: number) => [alloc(length), alloc(length)] as const;
  const buffers = {
    rep: pair(2 * n),
    zAt: pair(n),
    cost: pair(n),
    attraction: [pair(2 * n), pair(2 * n)] as const,
  };
  // Step 0 has no previous costs: equal ones split the points in half.
  buffers.cost[1].fill(1);
  return buffers;
}

/**
 * The gradient descent of one thread. `y` (n x 2), P's upper triangle and the kernels are the
 * thread's own; the buffers are shared when two threads run the steps together. Each step:
 * rebuild the quadtree from this thread's y, sum this thread's part of the repulsion and of the
 * attraction into the step's buffers, meet the other thread (`meet`), then every thread updates
 * its own y from all of the buffers: the same numbers in the same order, so the copies of y stay
 * equal to the bit and the threads need to meet once a step. One thread alone does both parts.
 *
 * The parts: repulsion by groups of the quadtree, split where last step's list lengths are half
 * spent (a group's numbers do not depend on who sums it); attraction by rows of P's upper
 * triangle, always split at `splitRow` and always added as part 0 + part 1, so one thread and
 * two give the same bits.
 */
export interface StepPlan {
  readonly n: number;
  readonly iterations: number;
  readonly exaggerationSteps: number;
  readonly theta: number;
  readonly learningRate: number;
  readonly y: Float64Array;
  readonly upperStart: Int32Array;
  readonly upperCols: Int32Array;
  readonly upperVals: Float64Array;
  readonly splitRow: number;
  readonly kernels: { repulsion: RepulsionKernel; attraction: AttractionKernel } | null;
}

/** How a thread takes part: which parts it sums and how it meets the other thread. */
export interface StepRole {
  /** 0: the first parts (or all of them, alone); 1: the second parts. */
  readonly part: 0 | 1;
  /** The buffers of this step (they change when a thread is left alone). */
  buffers(step: number): StepBuffers;
  /** Whether two threads share the work of this step. */
  isShared(step: number): boolean;
  /**
   * After this thread's parts of `step`: returns when the other's are in the buffers too. False
   * when this thread is to carry on alone (the other did not come); then the step's buffers are
   * asked for again and both parts computed. A helper's meet throws to stop.
   */
  meet(step: number): boolean;
  /** After each step; throws to stop (progress and cancellation). */
  onStep?(step: number): void;
}

/** Runs the steps; returns the last step's Z (the normaliser of q). */
export function runSteps(plan: StepPlan, role: StepRole): number {
  const { n, iterations, y, kernels, splitRow, learningRate } = plan;
  const exaggerationSteps = Math.min(iterations, plan.exaggerationSteps);
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  // Groups of up to 64 points and leaves of up to 8: measured fastest on converged 20,000-point maps
  // with the list descent and the SIMD sums, where a longer list costs less than another walk.
  const tree = new QuadTree(n, 64, 8);
  const list = new InteractionList(Math.max(256, Math.min(n, 4096)));
  const theta2 = plan.theta * plan.theta;

  const sumParts = (buffers: StepBuffers, par: 0 | 1, part: 0 | 1 | "both", split: number) => {
    const from = part === 1 ? split : 0;
    const to = part === 0 ? split : n;
    repulsion(tree, theta2, buffers.rep[par], list, kernels?.repulsion ?? null, {
      from,
      to,
      zAt: buffers.zAt[par],
      cost: buffers.cost[par],
    });
    for (const h of [0, 1] as const) {
      if (part !== "both" && part !== h) continue;
      const out = buffers.attraction[par][h];
      const rows = h === 0 ? [0, splitRow] : [splitRow, n];
      if (kernels) {
        kernels.attraction.attract(rows[0], rows[1]);
        out.set(kernels.attraction.out);
      } else attractRows(y, plan.upperStart, plan.upperCols, plan.upperVals, rows[0]!, rows[1]!, out);
    }
  };

  let z = 1;
  for (let step = 0; step < iterations; step++) {
    const par = (step & 1) as 0 | 1;
    const exaggeration = step < exaggerationSteps ? EARLY_EXAGGERATION : 1;
    const momentum = step < exaggerationSteps ? 0.5 : 0.8;
    tree.build(y);
    let buffers = role.buffers(step);
    if (role.isShared(step)) {
      const split = balancedSplit(buffers.cost[par === 0 ? 1 : 0]);
      sumParts(buffers, par, role.part, split);
      if (!role.meet(step)) {
        buffers = role.buffers(step);
        sumParts(buffers, par, "both", n);
      }
    } else sumParts(buffers, par, "both", n);

    // Z added up group by group in tree order, as one thread summing every group would.
    const zAt = buffers.zAt[par];
    z = 0;
    for (let g = 0; g < tree.groupCount; g++) z += zAt[tree.start[tree.groups[g]!]!]!;
    const invZ = 1 / z;
    const rep = buffers.rep[par];
    const [a0, a1] = buffers.attraction[par];
    for (let c = 0; c < 2 * n; c++) {
      const g = 4 * (exaggeration * (a0[c]! + a1[c]!) - rep[c]! * invZ);
      const u = update[c]!;
      const gain = g > 0 === u > 0 ? Math.max(0.01, gains[c]! * 0.8) : gains[c]! + 0.2;
      gains[c] = gain;
      const next = momentum * u - learningRate * gain * g;
      update[c] = next;
      y[c]! += next;
    }
    role.onStep?.(step);
  }
  return z;
}

/** The tree position where the list lengths in `cost` reach half their sum. */
function balancedSplit(cost: Float64Array): number {
  let total = 0;
  for (let t = 0; t < cost.length; t++) total += cost[t]!;
  let sum = 0;
  for (let t = 0; t < cost.length; t++) {
    sum += cost[t]!;
    if (2 * sum >= total) return t + 1;
  }
  return cost.length;
}

/**
 * Attraction along the sparse P for the rows [from, to) of its upper triangle (i < j, in
 * compressed rows), each pair given to both ends: out_i = sum_j p_ij q_ij (y_i - y_j) over those
 * pairs. Overwrites `out`. The JS twin of the kernel's `attract` (tsne-wasm.ts), same bits.
 */
export function attractRows(
  y: Float64Array,
  upperStart: Int32Array,
  upperCols: Int32Array,
  upperVals: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (let i = from; i < to; i++) {
    let ax = 0;
    let ay = 0;
    const yi0 = y[2 * i]!;
    const yi1 = y[2 * i + 1]!;
    for (let t = upperStart[i]!; t < upperStart[i + 1]!; t++) {
      const j = upperCols[t]!;
      const dx = yi0 - y[2 * j]!;
      const dy = yi1 - y[2 * j + 1]!;
      const pq = upperVals[t]! / (1 + dx * dx + dy * dy);
      const fx = pq * dx;
      const fy = pq * dy;
      ax += fx;
      ay += fy;
      out[2 * j]! -= fx;
      out[2 * j + 1]! -= fy;
    }
    out[2 * i]! += ax;
    out[2 * i + 1]! += ay;
  }
}

/** The row of P's upper triangle where half of its pairs are behind (the attraction's split). */
export function pairSplitRow(upperStart: Int32Array): number {
  const n = upperStart.length - 1;
  const half = upperStart[n]! / 2;
  for (let i = 0; i < n; i++) if (upperStart[i + 1]! >= half) return i + 1;
  return n;
}
