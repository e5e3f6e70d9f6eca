export * from "./affinities.js";
export * from "./eigen.js";
export * from "./map-quality.js";
export * from "./pca.js";
export * from "./tsne.js";
export {
  runTsneHelper,
  setTsneHelper,
  type TsneHelperSpawner,
  type TsneTeam,
} from "./tsne-team.js";
export * from "./vp-tree.js";
