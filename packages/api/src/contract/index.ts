/**
 * `@strata/api/contract`: the run contract, re-exported from `@strata/contract`, where it lives so the
 * database schema can type the `runs` columns with it (the api depends on the database, not the other
 * way round). The browser imports this subpath; it stays zod-only because the package below is.
 */
export * from "@strata/contract";
