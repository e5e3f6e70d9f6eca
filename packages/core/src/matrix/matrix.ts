import { CoreInputError } from "../errors.js";

/**
 * A dense row-major matrix: row i, column j is data[i * d + j]. The buffer may be a
 * SharedArrayBuffer so the same rows can be read by several worker threads without copying.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** Wraps a flat buffer as a matrix, checking that its length is n * d. */
export function matrix(data: Float64Array, n: number, d: number): Matrix {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0) {
    throw new CoreInputError(`matrix shape must be non-negative integers, got ${n} x ${d}`, {
      field: "shape",
    });
  }
  if (data.length !== n * d) {
    throw new CoreInputError(`matrix data has ${data.length} values, expected ${n} x ${d} = ${n * d}`, {
      field: "data",
    });
  }
  return { data, n, d };
}

/** Builds a matrix from rows (tests, small inputs); every row must have the same length. */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<number>>): Matrix {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== d) {
      throw new CoreInputError(`row ${i} has ${row.length} values, expected ${d}`, { row: i });
    }
    data.set(row, i * d);
  }
  return { data, n, d };
}

/** Throws a CoreInputError naming the first row/column holding NaN or an infinity. */
export function assertFinite(x: Matrix): void {
  const { data, d } = x;
  // v * 0 is NaN exactly when v is not finite, so a block's sum of them says whether to look
  // closer: one multiply-add per value instead of a call (measured about 3x faster on 8M values).
  const block = 4096;
  for (let start = 0; start < data.length; start += block) {
    const end = Math.min(data.length, start + block);
    let probe = 0;
    for (let idx = start; idx < end; idx++) probe += data[idx]! * 0;
    if (!Number.isNaN(probe)) continue;
    for (let idx = start; idx < end; idx++) {
      if (!Number.isFinite(data[idx]!)) {
        const row = Math.floor(idx / d);
        const column = idx - row * d;
        throw new CoreInputError(
          `value at row ${row}, column ${column} is ${data[idx]}, expected a finite number`,
          {
            row,
            column,
          },
        );
      }
    }
  }
}
