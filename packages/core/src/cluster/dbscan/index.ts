export { type DbscanOptions, type DbscanResult, dbscan } from "./dbscan.js";
export { type KDistanceOptions, kDistanceCurve, suggestEps } from "./suggest-eps.js";
