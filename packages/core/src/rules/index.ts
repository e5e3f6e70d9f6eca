export * from "./evaluate-rule.js";
export * from "./types.js";
export * from "./validate-rule.js";
export * from "./values.js";
