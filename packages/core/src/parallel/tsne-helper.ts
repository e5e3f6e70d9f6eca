/**
 * Entry of t-SNE's helper thread (built to dist/parallel/tsne-helper.js, started by
 * tsne-thread.ts): runs its share of the map on the team it was given, then ends.
 */
import { workerData } from "node:worker_threads";
import { runTsneHelper, type TsneTeam } from "../embed/tsne-team.js";

runTsneHelper(workerData as TsneTeam);
