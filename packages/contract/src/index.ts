/**
 * The run contract, `@strata/contract`: zod schemas and types of a run's config, result and view,
 * the algorithm list and the config defaults, and of a rule segment's rule. It sits below both the database schema (which types
 * the `runs` columns with it) and the api (which re-exports it as `@strata/api/contract`). The
 * browser bundles it, so everything here imports zod and nothing else (no node:, no database, no tRPC).
 */

export * from "./policy.js";
export * from "./run.js";
export * from "./run-config.js";
export * from "./run-result.js";
export * from "./segment-rule.js";
