export * from "./errors.js";
export * from "./matrix/matrix.js";
export * from "./random/index.js";
export * from "./ingest/index.js";
export * from "./preprocess/index.js";
export * from "./features/index.js";
export * from "./metrics/index.js";
export * from "./embed/index.js";
