export * from "./eigen.js";
export * from "./pca.js";
export * from "./tsne.js";
