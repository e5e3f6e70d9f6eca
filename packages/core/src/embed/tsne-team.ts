import {
  aloneSchedule,
  runSteps,
  STEP_SLOTS,
  STEP_TASKS,
  type StepBuffers,
  type StepSchedule,
  stepBuffers,
} from "./tsne-steps.js";
import { tsneKernels } from "./tsne-wasm.js";
import { KNN_CHUNK, kNearestSearch, type VpTree } from "./vp-tree.js";

/**
 * t-SNE on two threads: the thread that called `tsne` and a helper it starts (a worker thread on
 * Node, see parallel/tsne-thread.ts), sharing a `TsneTeam` of SharedArrayBuffer-backed arrays.
 * Core stays free of node:worker_threads: the host registers how to start a helper with
 * `setTsneHelper`, and without one (browsers, tests that want one thread, small maps) `tsne`
 * runs alone. The result is the same to the bit either way: rows of the neighbour search and
 * groups of the repulsion give the same numbers whoever computes them, Z is added in tree order
 * and the attraction is always two parts added in one order (tsne-steps.ts).
 *
 * The protocol, in `control`:
 * - the caller publishes the vantage-point tree (phase "neighbours"); both threads take chunks of
 *   query rows from one counter until none are left, and mark each chunk done;
 * - the caller computes P and the starting map, publishes them (phase "steps") and decides the
 *   mode: two threads if the helper has said it is ready, one otherwise;
 * - each step's tasks (tsne-steps.ts) are claimed from one ticket counter and stamped done; a
 *   thread waits for every stamp of the step before its update, and neither thread writes a set
 *   of step buffers before the other has read it (a finished-steps counter each): a thread runs
 *   at most STEP_SLOTS - 2 steps ahead of the other.
 * The caller never depends on the helper arriving: a chunk or a task not done after `patienceMs`
 * (see `setTsneHelper`), it computes itself, and it carries on alone (in its own buffers, so a
 * helper that wakes up late cannot write over anything still read).
 */
export interface TsneTeam {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly iterations: number;
  readonly exaggerationSteps: number;
  readonly theta: number;
  readonly learningRate: number;
  /** How long the caller waits for the helper's share before doing it itself. */
  readonly patienceMs: number;
  /** The share of a window of steps the caller may spend waiting before it carries on alone. */
  readonly maxWaitShare: number;
  readonly control: Int32Array;
  /** The map's points (n x d) and the vantage-point tree over them. */
  readonly x: Float64Array;
  readonly order: Int32Array;
  readonly radius: Float64Array;
  /** The neighbour search's answers, n x k. */
  readonly indices: Int32Array;
  readonly distances: Float64Array;
  readonly chunkDone: Int32Array;
  /** Per step slot and task, the step (+ 1) that last finished it. */
  readonly taskDone: Int32Array;
  /** P's upper triangle (room for n x k pairs, the most there can be) and the starting map. */
  readonly upperStart: Int32Array;
  readonly upperCols: Int32Array;
  readonly upperVals: Float64Array;
  readonly y: Float64Array;
  readonly buffers: StepBuffers;
}

/** Starts a helper thread on a team; `stop` ends it (it also ends itself when the map is done). */
export type TsneHelperSpawner = (team: TsneTeam) => { stop(): void };

const PHASE = 0;
const NEXT_CHUNK = 1;
const HELPER_READY = 2;
const MODE = 3;
const PAIRS = 4;
const SPLIT_ROW = 5;
/** The next step task's ticket: step x STEP_TASKS + task. */
const TICKET = 6;
/** Steps the helper, and the caller, have finished, their updates included. */
const HELPER_STEP = 7;
const CALLER_STEP = 8;
const CONTROL_SLOTS = 9;

const PHASE_NEIGHBOURS = 1;
const PHASE_STEPS = 2;
const PHASE_DONE = 3;
const MODE_TWO = 1;
const MODE_ALONE = 2;

/** Query rows per claimed chunk: the search's own chunks (vp-tree.ts), so a row's answer is the same bits. */
const NEIGHBOUR_CHUNK = KNN_CHUNK;

/** Steps over which the caller weighs its waiting for the helper (see `maxWaitShare`). */
const WAIT_WINDOW = 50;

let registered: {
  spawn: TsneHelperSpawner;
  minRows: number;
  patienceMs: number;
  maxWaitShare: number;
} | null = null;

/**
 * Lets `tsne` run maps of at least `minRows` points (default 5,000: below that a second thread's
 * start costs more than it saves) on two threads, starting the second with `spawn`; null turns
 * it off. The Node host passes `spawnTsneHelperThread` from "@strata/core/parallel/piscina".
 * `patienceMs` (default 5,000): how long the caller waits for a helper's share before doing it
 * itself and carrying on alone. `maxWaitShare` (default 0.4): the share of a window of 50 steps
 * the caller may spend waiting for the helper before it carries on alone (1: never).
 */
export function setTsneHelper(
  spawn: TsneHelperSpawner | null,
  options: { minRows?: number; patienceMs?: number; maxWaitShare?: number } = {},
): void {
  registered =
    spawn === null
      ? null
      : {
          spawn,
          minRows: options.minRows ?? 5_000,
          patienceMs: options.patienceMs ?? 5_000,
          maxWaitShare: options.maxWaitShare ?? 0.4,
        };
}

/** The registered spawner if a map of n points should use it. */
export function tsneHelperFor(n: number): TsneHelperSpawner | null {
  if (registered === null || n < registered.minRows || typeof SharedArrayBuffer === "undefined") return null;
  return registered.spawn;
}

export function createTeam(settings: {
  n: number;
  d: number;
  k: number;
  iterations: number;
  exaggerationSteps: number;
  theta: number;
  learningRate: number;
}): TsneTeam {
  const patienceMs = registered?.patienceMs ?? 5_000;
  const maxWaitShare = registered?.maxWaitShare ?? 0.4;
  const { n, d, k } = settings;
  const f64 = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));
  const i32 = (length: number) => new Int32Array(new SharedArrayBuffer(4 * length));
  return {
    ...settings,
    patienceMs,
    maxWaitShare,
    control: i32(CONTROL_SLOTS),
    x: f64(n * d),
    order: i32(n),
    radius: f64(n),
    indices: i32(n * k),
    distances: f64(n * k),
    chunkDone: i32(Math.ceil(n / NEIGHBOUR_CHUNK)),
    taskDone: i32(STEP_SLOTS * STEP_TASKS),
    upperStart: i32(n + 1),
    upperCols: i32(n * k),
    upperVals: f64(n * k),
    y: f64(2 * n),
    buffers: stepBuffers(n, f64),
  };
}

/** Starts the helper; a helper that cannot start is one that never arrives. */
export function startHelper(spawn: TsneHelperSpawner, team: TsneTeam): { stop(): void } | null {
  try {
    return spawn(team);
  } catch {
    return null;
  }
}

/** The caller's neighbour search: publishes the tree, searches chunks with the helper, returns copies. */
export function teamNeighbours(
  team: TsneTeam,
  tree: VpTree,
  onChunk: (fraction: number) => void,
): { indices: Int32Array; distances: Float64Array } {
  const { control, chunkDone } = team;
  team.x.set(tree.x.data);
  team.order.set(tree.order);
  team.radius.set(tree.radius);
  Atomics.store(control, PHASE, PHASE_NEIGHBOURS);
  Atomics.notify(control, PHASE);
  const search = chunkSearch(team, tree);
  const chunks = chunkDone.length;
  searchChunks(team, search, onChunk);
  for (let c = 0; c < chunks; c++) {
    if (Atomics.load(chunkDone, c) === 0) Atomics.wait(chunkDone, c, 0, team.patienceMs);
    if (Atomics.load(chunkDone, c) === 0) search(c);
  }
  // Copies: a helper that took a chunk and stalled may still write the (same) numbers there.
  return { indices: team.indices.slice(), distances: team.distances.slice() };
}

function chunkSearch(team: TsneTeam, tree: VpTree): (chunk: number) => void {
  const query = kNearestSearch(tree, team.k, team.indices, team.distances);
  return (chunk) => {
    const end = Math.min(team.n, (chunk + 1) * NEIGHBOUR_CHUNK);
    for (let i = chunk * NEIGHBOUR_CHUNK; i < end; i++) query(i);
  };
}

function searchChunks(team: TsneTeam, search: (chunk: number) => void, onChunk?: (f: number) => void): void {
  const { control, chunkDone } = team;
  const chunks = chunkDone.length;
  for (;;) {
    const c = Atomics.add(control, NEXT_CHUNK, 1);
    if (c >= chunks) return;
    search(c);
    Atomics.store(chunkDone, c, 1);
    Atomics.notify(chunkDone, c);
    onChunk?.((c + 1) / chunks);
  }
}

/**
 * Publishes P's upper triangle, its split row and the starting map, and decides whether the steps
 * run on two threads. Returns the caller's schedule for them.
 */
export function teamSteps(
  team: TsneTeam,
  upper: { start: Int32Array; cols: Int32Array; vals: Float64Array },
  splitRow: number,
  y: Float64Array,
  onStep: (step: number) => void,
): StepSchedule {
  const { control, n, taskDone, patienceMs } = team;
  const pairs = upper.start[n]!;
  team.upperStart.set(upper.start);
  team.upperCols.set(upper.cols.subarray(0, pairs));
  team.upperVals.set(upper.vals.subarray(0, pairs));
  team.y.set(y);
  Atomics.store(control, PAIRS, pairs);
  Atomics.store(control, SPLIT_ROW, splitRow);
  // A helper slower to start than the neighbour search (small maps, a busy machine) is given a
  // moment: a second thread for the steps is most of the gain.
  if (Atomics.load(control, HELPER_READY) === 0) {
    Atomics.wait(control, HELPER_READY, 0, Math.min(patienceMs, 1_000));
  }
  const isTwo = Atomics.load(control, HELPER_READY) === 1;
  Atomics.store(control, MODE, isTwo ? MODE_TWO : MODE_ALONE);
  Atomics.store(control, PHASE, PHASE_STEPS);
  Atomics.notify(control, PHASE);
  let alone: StepSchedule | null = isTwo ? null : aloneSchedule(n, onStep);
  const goAlone = () => {
    alone = aloneSchedule(n, onStep);
    Atomics.store(control, MODE, MODE_ALONE);
    Atomics.notify(control, CALLER_STEP);
  };
  // Time this thread spent waiting for the helper since `windowStart`: see `end`.
  let waited = 0;
  let windowStart = performance.now();
  /** Waits until `array[slot]` passes `isReached`; false after patienceMs without it. */
  const waitFor = (array: Int32Array, slot: number, isReached: (v: number) => boolean): boolean => {
    if (isReached(Atomics.load(array, slot))) return true;
    const from = performance.now();
    try {
      for (;;) {
        const seen = Atomics.load(array, slot);
        if (isReached(seen)) return true;
        if (Atomics.wait(array, slot, seen, patienceMs) === "timed-out") {
          return isReached(Atomics.load(array, slot));
        }
      }
    } finally {
      waited += performance.now() - from;
    }
  };
  return {
    begin(step) {
      // The set this step writes was last read by the helper at the start of step - STEP_SLOTS + 1
      // (its costs cut that step's repulsion ranges): that step must be behind the helper.
      if (alone === null && step >= STEP_SLOTS - 1) {
        if (!waitFor(control, HELPER_STEP, (v) => v > step - STEP_SLOTS + 1)) goAlone();
      }
      return alone === null ? team.buffers : alone.begin(step);
    },
    claim: (step) => (alone === null ? claimTask(control, step) : alone.claim(step)),
    finished(step, task) {
      if (alone !== null) return;
      const at = (step % STEP_SLOTS) * STEP_TASKS + task;
      Atomics.store(taskDone, at, step + 1);
      Atomics.notify(taskDone, at);
    },
    awaitStep(step, buffers, run) {
      if (buffers !== team.buffers) return buffers;
      for (let task = 0; task < STEP_TASKS; task++) {
        const at = (step % STEP_SLOTS) * STEP_TASKS + task;
        if (
          alone === null
            ? waitFor(taskDone, at, (v) => v === step + 1)
            : Atomics.load(taskDone, at) === step + 1
        ) {
          continue;
        }
        // The helper holds this task and does not finish it: done here (the same numbers, should
        // it still write them), and the steps after this one without the helper.
        if (alone === null) goAlone();
        run(task, buffers);
      }
      return buffers;
    },
    end(step) {
      Atomics.store(control, CALLER_STEP, step + 1);
      Atomics.notify(control, CALLER_STEP);
      // Two threads pay only when the machine runs both: with one core to spare (a shared,
      // busy machine), each waits for the other's tasks while the scheduler runs someone else, and
      // the map took 1.7 times as long as on one thread; small maps' steps are too short to share.
      // Waiting for more than maxWaitShare of a window of steps says so: the steps after it run
      // alone (the same numbers either way).
      if (alone === null && (step + 1) % WAIT_WINDOW === 0) {
        const now = performance.now();
        if (waited > team.maxWaitShare * (now - windowStart)) goAlone();
        waited = 0;
        windowStart = now;
      }
      onStep(step);
    },
  };
}

/** The next task of `step` from the shared ticket counter, or -1 when all are taken. */
function claimTask(control: Int32Array, step: number): number {
  const first = step * STEP_TASKS;
  for (;;) {
    const ticket = Atomics.load(control, TICKET);
    if (ticket < first || ticket >= first + STEP_TASKS) return -1;
    if (Atomics.compareExchange(control, TICKET, ticket, ticket + 1) === ticket) return ticket - first;
  }
}

/** Ends the team: a helper waiting anywhere returns. */
export function finishTeam(team: TsneTeam): void {
  const { control } = team;
  Atomics.store(control, PHASE, PHASE_DONE);
  Atomics.notify(control, PHASE);
  Atomics.notify(control, CALLER_STEP);
}

class HelperStop extends Error {}

/** Waits until the phase is at least `phase`; false when the team finished meanwhile. */
function waitForPhase(control: Int32Array, phase: number): boolean {
  for (;;) {
    const now = Atomics.load(control, PHASE);
    if (now === PHASE_DONE) return false;
    if (now >= phase) return true;
    Atomics.wait(control, PHASE, now, 1_000);
  }
}

/** The helper thread's whole part: neighbour chunks, then its parts of the steps. */
export function runTsneHelper(team: TsneTeam): void {
  const { control, n, d } = team;
  Atomics.store(control, HELPER_READY, 1);
  Atomics.notify(control, HELPER_READY);
  if (!waitForPhase(control, PHASE_NEIGHBOURS)) return;
  const tree: VpTree = { x: { data: team.x, n, d }, order: team.order, radius: team.radius };
  searchChunks(team, chunkSearch(team, tree));
  if (!waitForPhase(control, PHASE_STEPS)) return;
  if (Atomics.load(control, MODE) !== MODE_TWO) return;

  const pairs = Atomics.load(control, PAIRS);
  const kernels = tsneKernels(n, pairs);
  const y = kernels?.attraction.y ?? new Float64Array(2 * n);
  const upperStart = kernels?.attraction.rowStart ?? new Int32Array(n + 1);
  const upperCols = kernels?.attraction.cols ?? new Int32Array(pairs);
  const upperVals = kernels?.attraction.vals ?? new Float64Array(pairs);
  y.set(team.y);
  upperStart.set(team.upperStart);
  upperCols.set(team.upperCols.subarray(0, pairs));
  upperVals.set(team.upperVals.subarray(0, pairs));
  const isStopped = () =>
    Atomics.load(control, MODE) !== MODE_TWO || Atomics.load(control, PHASE) === PHASE_DONE;
  try {
    runSteps(
      {
        n,
        iterations: team.iterations,
        exaggerationSteps: team.exaggerationSteps,
        theta: team.theta,
        learningRate: team.learningRate,
        y,
        upperStart,
        upperCols,
        upperVals,
        splitRow: Atomics.load(control, SPLIT_ROW),
        kernels,
      },
      {
        begin(step) {
          // As the caller's begin: the set this step writes must be behind the caller too.
          for (;;) {
            if (isStopped()) throw new HelperStop();
            const seen = Atomics.load(control, CALLER_STEP);
            if (seen > step - STEP_SLOTS + 1) return team.buffers;
            Atomics.wait(control, CALLER_STEP, seen, 1_000);
          }
        },
        claim: (step) => claimTask(control, step),
        finished(step, task) {
          const at = (step % STEP_SLOTS) * STEP_TASKS + task;
          Atomics.store(team.taskDone, at, step + 1);
          Atomics.notify(team.taskDone, at);
        },
        awaitStep(step, buffers) {
          for (let task = 0; task < STEP_TASKS; task++) {
            const at = (step % STEP_SLOTS) * STEP_TASKS + task;
            for (;;) {
              const seen = Atomics.load(team.taskDone, at);
              if (seen === step + 1) break;
              if (isStopped()) throw new HelperStop();
              Atomics.wait(team.taskDone, at, seen, 1_000);
            }
          }
          return buffers;
        },
        end(step) {
          Atomics.store(control, HELPER_STEP, step + 1);
          Atomics.notify(control, HELPER_STEP);
          if (isStopped()) throw new HelperStop();
        },
      },
    );
  } catch (error) {
    if (!(error instanceof HelperStop)) throw error;
  }
}
