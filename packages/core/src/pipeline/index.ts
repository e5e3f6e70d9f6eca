export * from "./choose.js";
export * from "./describe.js";
export * from "./explain-result.js";
export * from "./fit.js";
export * from "./options.js";
export * from "./prepare-matrix.js";
export * from "./run.js";
export { round as roundFigure } from "./shared.js";
export * from "./types.js";
