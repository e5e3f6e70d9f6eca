/**
 * The run contract, `@strata/api/contract`: zod schemas and types of a run's config, result and view,
 * the algorithm list and the config defaults. The browser imports this subpath, so everything under
 * src/contract imports zod and nothing else (no node:, no database, no tRPC).
 */
export * from "./run.js";
export * from "./run-config.js";
export * from "./run-result.js";
