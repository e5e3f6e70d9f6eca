export * from "./compute.js";
export * from "./drivers.js";
export * from "./model.js";
