export * from "./dates.js";
export * from "./infer.js";
export * from "./prepare.js";
export * from "./scaler.js";
export * from "./table.js";
