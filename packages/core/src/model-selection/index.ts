export { chooseK, type KChoice, type KScores } from "./choose-k.js";
export { type BootstrapStability, type BootstrapStabilityOptions, bootstrapStability } from "./stability.js";
export { type SweepKOptions, type SweepKRow, sweepK } from "./sweep.js";
