export * from "./correlation.js";
export * from "./explain-segments.js";
export * from "./naming.js";
export * from "./profile.js";
export * from "./tree.js";
