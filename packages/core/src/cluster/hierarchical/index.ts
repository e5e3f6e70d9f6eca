export {
  cutAtHeight,
  cutToK,
  type Dendrogram,
  type HierarchicalOptions,
  type HierarchicalResult,
  hierarchical,
  type Linkage,
  MAX_HIERARCHICAL_ROWS,
  type TruncatedDendrogram,
  truncateDendrogram,
} from "./hierarchical.js";
