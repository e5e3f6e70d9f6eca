import { Worker } from "node:worker_threads";
import { setTsneHelper, type TsneHelperSpawner } from "../embed/tsne-team.js";

/**
 * The helper's file. Loaded from dist, `./tsne-helper.js` sits beside this module; loaded from
 * source (vitest runs src/), a worker still needs JavaScript, so the built dist file is used.
 */
function helperFile(): URL {
  const here = new URL("./tsne-helper.js", import.meta.url);
  if (here.pathname.endsWith("/src/parallel/tsne-helper.js")) {
    return new URL("../../dist/parallel/tsne-helper.js", import.meta.url);
  }
  return here;
}

/**
 * Starts t-SNE's second thread (embed/tsne-team.ts) as a plain worker thread, not a pool task: the
 * caller blocks in Atomics.wait while the helper works, which a pool could not schedule around
 * (a pool task waiting for another task of a full pool would wait for ever), and a worker started
 * here runs without the caller's event loop. Register it with `setTsneHelper` where maps are
 * drawn. A helper that fails to start or dies is one the caller stops waiting for: it does the
 * helper's share itself.
 */
export const spawnTsneHelperThread: TsneHelperSpawner = (team) => {
  const worker = new Worker(helperFile(), { workerData: team });
  // Never what keeps a process alive; an error is the caller's cue to carry on alone (it does).
  worker.unref();
  worker.on("error", () => {});
  return {
    stop() {
      void worker.terminate();
    },
  };
};

/**
 * Lets maps drawn on this thread use a helper thread (see `setTsneHelper`): call once where maps
 * are drawn, e.g. at the top of a pool's task file.
 */
export function useTsneHelperThread(options: { minRows?: number } = {}): void {
  setTsneHelper(spawnTsneHelperThread, options);
}
