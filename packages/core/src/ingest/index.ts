export * from "./csv.js";
export * from "./errors.js";
