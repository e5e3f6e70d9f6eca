/**
 * Bad input to a core function. Names where the problem is so a CLI or UI can point at it:
 * `row`/`column` are 0-based positions in the matrix handed in, `field` an option name.
 */
export class CoreInputError extends Error {
  override readonly name = "CoreInputError";
  readonly row: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { row?: number; column?: number; field?: string } = {}) {
    super(message);
    this.row = where.row;
    this.column = where.column;
    this.field = where.field;
  }
}

/** Thrown when an onProgress callback returned false: the caller asked us to stop. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor(stage: string) {
    super(`cancelled during ${stage}`);
  }
}
