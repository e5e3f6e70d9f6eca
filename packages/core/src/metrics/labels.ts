import { CoreInputError } from "../errors.js";

/** Labels renumbered 0..k-1 in order of first appearance; negative labels (noise) stay -1. */
export interface DenseLabels {
  readonly labels: Int32Array;
  readonly k: number;
  readonly sizes: Int32Array;
  /** Rows with a non-negative label. */
  readonly clustered: number;
}

/**
 * Renumbers arbitrary integer labels to 0..k-1 (first appearance order) so that per-cluster
 * accumulators can be flat arrays indexed by label. Negative labels mean noise and map to -1.
 */
export function denseLabels(labels: ArrayLike<number>, n: number): DenseLabels {
  if (labels.length !== n) {
    throw new CoreInputError(`labels has ${labels.length} entries, expected one per row (${n})`, {
      field: "labels",
    });
  }
  const out = new Int32Array(n);
  const ids = new Map<number, number>();
  const counts: number[] = [];
  let clustered = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label)) {
      throw new CoreInputError(`label at row ${i} is ${label}, expected an integer`, {
        row: i,
        field: "labels",
      });
    }
    if (label < 0) {
      out[i] = -1;
      continue;
    }
    let id = ids.get(label);
    if (id === undefined) {
      id = counts.length;
      ids.set(label, id);
      counts.push(0);
    }
    counts[id]!++;
    out[i] = id;
    clustered++;
  }
  return { labels: out, k: counts.length, sizes: Int32Array.from(counts), clustered };
}

/** Renumbers any integer labels (negative ones included, as ordinary labels) to 0..k-1. */
export function denseLabelsAll(labels: ArrayLike<number>): { labels: Int32Array; k: number } {
  const n = labels.length;
  const out = new Int32Array(n);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    let id = ids.get(label);
    if (id === undefined) {
      id = ids.size;
      ids.set(label, id);
    }
    out[i] = id;
  }
  return { labels: out, k: ids.size };
}
