export * from "./identifier.js";
export * from "./infer.js";
export * from "./outliers.js";
export * from "./scaler.js";
export * from "./select.js";
export * from "./shape.js";
export * from "./skewness.js";
export * from "./table.js";
