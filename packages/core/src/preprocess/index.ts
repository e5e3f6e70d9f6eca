export * from "./dates.js";
export * from "./identifier.js";
export * from "./infer.js";
export * from "./outliers.js";
export * from "./prepare.js";
export * from "./scaler.js";
export * from "./shape.js";
export * from "./table.js";
