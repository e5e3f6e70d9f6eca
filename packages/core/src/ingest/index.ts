export * from "./csv.js";
export * from "./dates.js";
export * from "./encoding.js";
export * from "./errors.js";
export * from "./mapping.js";
export * from "./validate.js";
export * from "./xlsx.js";
