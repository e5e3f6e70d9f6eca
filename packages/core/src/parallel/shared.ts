import type { Matrix } from "../matrix/matrix.js";

/** Whether a typed array's memory is a SharedArrayBuffer (readable by worker threads without a copy). */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== "undefined" && array.buffer instanceof SharedArrayBuffer;
}

/** A Float64Array of `length` zeros in shared memory. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

/** An Int32Array of `length` zeros in shared memory. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length));
}

/**
 * The matrix in shared memory: returned as is when it already is, copied once otherwise. Hand
 * the result to a Piscina executor's tasks: they read the same rows, nothing is cloned per task.
 */
export function toShared(x: Matrix): Matrix {
  if (isShared(x.data)) return x;
  const data = sharedFloat64(x.data.length);
  data.set(x.data);
  return { data, n: x.n, d: x.d };
}
