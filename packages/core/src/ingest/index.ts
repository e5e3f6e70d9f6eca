export * from "./csv.js";
export * from "./errors.js";
export * from "./xlsx.js";
