import { afterEach, describe, expect, it } from "vitest";
import { tsne } from "../embed/tsne.js";
import { STEP_SLOTS } from "../embed/tsne-steps.js";
import { setTsneHelper, type TsneTeam } from "../embed/tsne-team.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";
import { spawnTsneHelperThread } from "./tsne-thread.js";

// The helper thread loads dist/parallel/tsne-helper.js: build core before these tests.

/** Customer-like rows: a few segments of different spreads in 6 features. */
function customers(n: number, seed: number): Matrix {
  const random = createRandom(seed);
  const d = 6;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = i % 4;
    for (let j = 0; j < d; j++) data[i * d + j] = (j === s ? 6 : 0) + (0.5 + s / 2) * random.normal();
  }
  return { data, n, d };
}

/** Slot of the helper's count of finished steps in `team.control` (tsne-team.ts). */
const HELPER_STEP = 7;
/** Slot the helper sets when it is ready (tsne-team.ts). */
const HELPER_READY = 2;

describe("t-SNE on two threads", () => {
  const x = customers(1_200, 4);
  const options = { perplexity: 20, iterations: 120, seed: 6 };
  const alone = tsne(x, options);

  afterEach(() => setTsneHelper(null));

  it("draws the same map to the bit as one thread, with the helper taking part in every step", () => {
    let team: TsneTeam | undefined;
    setTsneHelper(
      (t) => {
        team = t;
        return spawnTsneHelperThread(t);
      },
      // Never alone: maps this small wait more than they work on a busy machine.
      { minRows: 0, maxWaitShare: 1 },
    );
    const two = tsne(x, options);
    expect(team).toBeDefined();
    // The caller runs at most STEP_SLOTS - 1 steps ahead of the helper.
    expect(Atomics.load(team!.control, HELPER_STEP)).toBeGreaterThanOrEqual(
      options.iterations - STEP_SLOTS + 1,
    );
    expect(Array.from(two.embedding.data)).toEqual(Array.from(alone.embedding.data));
    expect(two.klDivergence).toBe(alone.klDivergence);
  }, 30_000);

  it("carries on alone, with the same map, when the helper never starts", () => {
    setTsneHelper(() => ({ stop() {} }), { minRows: 0, patienceMs: 50 });
    const out = tsne(x, options);
    expect(Array.from(out.embedding.data)).toEqual(Array.from(alone.embedding.data));
  });

  it("takes over the helper's share, with the same map, when the helper stops answering", () => {
    // A helper that says it is ready and then does nothing: the first step waits for it in vain.
    setTsneHelper(
      (team) => {
        Atomics.store(team.control, HELPER_READY, 1);
        return { stop() {} };
      },
      { minRows: 0, patienceMs: 50 },
    );
    const out = tsne(x, options);
    expect(Array.from(out.embedding.data)).toEqual(Array.from(alone.embedding.data));
  });

  it("stops both threads when progress returns false", () => {
    setTsneHelper(spawnTsneHelperThread, { minRows: 0 });
    let calls = 0;
    expect(() =>
      tsne(x, {
        ...options,
        onProgress: (_stage, fraction) => (fraction > 0.1 && ++calls > 2 ? false : undefined),
      }),
    ).toThrow(/cancelled/);
    // The next map still gets a helper and the same answer.
    const again = tsne(x, options);
    expect(Array.from(again.embedding.data)).toEqual(Array.from(alone.embedding.data));
  }, 30_000);
});
