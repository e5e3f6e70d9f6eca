export { chooseK, type KChoice, type KScores } from "./choose-k.js";
export { type BootstrapStability, type BootstrapStabilityOptions, bootstrapStability } from "./stability.js";
export { type SweepKOptions, type SweepKRow, sweepK } from "./sweep.js";
export {
  SWEEP_DEFAULT_FIT_SAMPLE_SIZE,
  SWEEP_DEFAULT_N_INIT,
  type SweepFitOptions,
  sampleRows,
  sweepFit,
} from "./sweep-fit.js";
