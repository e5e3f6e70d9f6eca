export * from "./customer-features.js";
export * from "./match-cancellations.js";
export * from "./order-lines.js";
export * from "./rfm.js";
