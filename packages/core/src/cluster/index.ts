export * from "./kmeans/index.js";
