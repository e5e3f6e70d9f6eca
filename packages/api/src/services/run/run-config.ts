/**
 * The run config's schema lives in the browser-safe contract (`@strata/api/contract`), so the run
 * form and the api validate with one schema; api and worker code keeps importing it from here.
 */
export {
  parseRunConfig,
  RUN_ALGORITHMS,
  RUN_CONFIG_DEFAULTS,
  type RunAlgorithm,
  type RunConfig,
  type RunConfigInput,
  runConfigSchema,
} from "../../contract/run-config.js";
