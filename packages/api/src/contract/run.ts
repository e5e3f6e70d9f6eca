// Moved to @strata/contract (src/run.ts); kept so the api's relative imports of it still resolve.
export * from "@strata/contract";
