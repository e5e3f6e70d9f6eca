export * from "./normal.js";
export * from "./safety-stock.js";
