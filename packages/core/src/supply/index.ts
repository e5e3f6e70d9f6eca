export * from "./normal.js";
export * from "./product-classes.js";
export * from "./rebatch.js";
export * from "./safety-stock.js";
export * from "./weeks.js";
