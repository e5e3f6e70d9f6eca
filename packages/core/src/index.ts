export * from "./errors.js";
export * from "./matrix/matrix.js";
