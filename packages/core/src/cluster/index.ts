export * from "./dbscan/index.js";
export * from "./gmm/index.js";
export * from "./hierarchical/index.js";
export * from "./kmeans/index.js";
