import { QuadTree } from "./quadtree.js";
import { InteractionList, repulsion } from "./repulsion.js";
import type { AttractionKernel, RepulsionKernel } from "./tsne-wasm.js";

const EARLY_EXAGGERATION = 12;
/** Sets of step buffers used in turn: a thread may run this many steps behind the other's. */
export const STEP_SLOTS = 4;
/** Ranges of the quadtree's points a step's repulsion is cut into (tasks threads claim). */
const REPULSION_TASKS = 16;
/** Tasks of a step: the attraction's two halves, then the repulsion's ranges. */
export const STEP_TASKS = 2 + REPULSION_TASKS;

/** What the steps leave for the optimiser, STEP_SLOTS sets used in turn (step % STEP_SLOTS). */
export interface StepBuffers {
  /** Repulsion per point, sum_j q_ij^2 (y_i - y_j), (x, y) per point. */
  readonly rep: readonly Float64Array[];
  /** Each group's share of Z at its first point's tree position. */
  readonly zAt: readonly Float64Array[];
  /** List length per tree position: balances the next step's repulsion ranges. */
  readonly cost: readonly Float64Array[];
  /** The attraction of the rows below `splitRow` ([0]) and from it on ([1]), (x, y) per point. */
  readonly attraction: ReadonlyArray<readonly [Float64Array, Float64Array]>;
}

export function stepBuffers(n: number, alloc: (length: number) => Float64Array): StepBuffers {
  const slots = <T>(make: () => T) => Array.from({ length: STEP_SLOTS }, make);
  const buffers = {
    rep: slots(() => alloc(2 * n)),
    zAt: slots(() => alloc(n)),
    cost: slots(() => alloc(n)),
    attraction: slots(() => [alloc(2 * n), alloc(2 * n)] as const),
  };
  // Step 0 has no previous costs: equal ones cut the points into equal ranges.
  buffers.cost[STEP_SLOTS - 1]!.fill(1);
  return buffers;
}

/**
 * The gradient descent of one thread. `y` (n x 2), P's upper triangle and the kernels are the
 * thread's own; the buffers are shared when two threads run the steps together. A step is
 * STEP_TASKS tasks: the attraction by rows of P's upper triangle, in two halves cut at
 * `splitRow`, and the repulsion by ranges of the quadtree's points (cut where the last step's list
 * lengths give equal shares; a group belongs to the range of its first point). Each thread
 * rebuilds the quadtree from its own y, claims tasks until none are left (`schedule.claim`),
 * waits until all are done (`schedule.awaitStep`), then updates its own y from all of the
 * buffers: the same numbers in the same order, so the copies of y stay equal to the bit. Tasks
 * are claimed, not dealt, so a thread the machine keeps waiting holds up at most the task it is
 * in. No task's numbers depend on who runs it or on the ranges (a group's list does not), Z is
 * added up group by group in tree order and the attraction always as half 0 + half 1, so one
 * thread and two give the same bits.
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

/** How a thread shares the steps (one thread alone: `aloneSchedule`). */
export interface StepSchedule {
  /** Before the step's work: returns the buffers the step writes (a set the other thread is done with). */
  begin(step: number): StepBuffers;
  /** The next task of the step for this thread, or -1 when every task is taken. */
  claim(step: number): number;
  /** Marks a task of the step done. */
  finished(step: number, task: number): void;
  /**
   * Returns when every task of the step is done: a task the other thread took and does not finish
   * in time `run` does here (and from then on this thread works alone), returning the buffers
   * the step's results are in.
   */
  awaitStep(step: number, buffers: StepBuffers, run: (task: number, into: StepBuffers) => void): StepBuffers;
  /** After the step's update; throws to stop (progress, cancellation, a helper no longer needed). */
  end(step: number): void;
}

/** One thread doing every task of every step in its own buffers. */
export function aloneSchedule(n: number, onStep: (step: number) => void): StepSchedule {
  const buffers = stepBuffers(n, (length) => new Float64Array(length));
  let next = 0;
  return {
    begin: () => {
      next = 0;
      return buffers;
    },
    claim: () => (next < STEP_TASKS ? next++ : -1),
    finished: () => {},
    awaitStep: (_step, b) => b,
    end: onStep,
  };
}

/** Runs the steps; returns the last step's Z (the normaliser of q). */
export function runSteps(plan: StepPlan, schedule: StepSchedule): number {
  const { n, iterations, y, kernels, splitRow, learningRate } = plan;
  const exaggerationSteps = Math.min(iterations, plan.exaggerationSteps);
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  // Groups of up to 64 points and leaves of up to 8: measured fastest on converged 20,000-point maps
  // with the list descent and the SIMD sums, where a longer list costs less than another walk.
  const tree = new QuadTree(n, 64, 8);
  const list = new InteractionList(Math.max(256, Math.min(n, 4096)));
  const theta2 = plan.theta * plan.theta;
  const bounds = new Int32Array(REPULSION_TASKS + 1);

  let slot = 0;
  const run = (task: number, into: StepBuffers) => {
    if (task < 2) {
      const out = into.attraction[slot]![task]!;
      const from = task === 0 ? 0 : splitRow;
      const to = task === 0 ? splitRow : n;
      if (kernels) {
        kernels.attraction.attract(from, to);
        out.set(kernels.attraction.out);
      } else attractRows(y, plan.upperStart, plan.upperCols, plan.upperVals, from, to, out);
      return;
    }
    const r = task - 2;
    repulsion(tree, theta2, into.rep[slot]!, list, kernels?.repulsion ?? null, {
      from: bounds[r]!,
      to: bounds[r + 1]!,
      zAt: into.zAt[slot]!,
      cost: into.cost[slot]!,
    });
  };

  let z = 1;
  for (let step = 0; step < iterations; step++) {
    slot = step % STEP_SLOTS;
    const exaggeration = step < exaggerationSteps ? EARLY_EXAGGERATION : 1;
    const momentum = step < exaggerationSteps ? 0.5 : 0.8;
    let buffers = schedule.begin(step);
    tree.build(y);
    equalCostRanges(buffers.cost[(step + STEP_SLOTS - 1) % STEP_SLOTS]!, bounds);
    for (let task = schedule.claim(step); task >= 0; task = schedule.claim(step)) {
      run(task, buffers);
      schedule.finished(step, task);
    }
    buffers = schedule.awaitStep(step, buffers, run);

    // Z added up group by group in tree order, as one thread summing every group would.
    const zAt = buffers.zAt[slot]!;
    z = 0;
    for (let g = 0; g < tree.groupCount; g++) z += zAt[tree.start[tree.groups[g]!]!]!;
    const invZ = 1 / z;
    const rep = buffers.rep[slot]!;
    const [a0, a1] = buffers.attraction[slot]!;
    for (let c = 0; c < 2 * n; c++) {
      const g = 4 * (exaggeration * (a0[c]! + a1[c]!) - rep[c]! * invZ);
      const u = update[c]!;
      const gain = g > 0 === u > 0 ? Math.max(0.01, gains[c]! * 0.8) : gains[c]! + 0.2;
      gains[c] = gain;
      const next = momentum * u - learningRate * gain * g;
      update[c] = next;
      y[c]! += next;
    }
    schedule.end(step);
  }
  return z;
}

/** Cuts the tree positions into REPULSION_TASKS ranges of about equal cost (bounds[0] = 0, last = n). */
function equalCostRanges(cost: Float64Array, bounds: Int32Array): void {
  const ranges = bounds.length - 1;
  let total = 0;
  for (let t = 0; t < cost.length; t++) total += cost[t]!;
  let sum = 0;
  let r = 1;
  bounds[0] = 0;
  for (let t = 0; t < cost.length && r < ranges; t++) {
    sum += cost[t]!;
    while (r < ranges && sum * ranges >= total * r) bounds[r++] = t + 1;
  }
  while (r <= ranges) bounds[r++] = cost.length;
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
