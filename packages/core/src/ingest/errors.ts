import { CoreInputError } from "../errors.js";

/**
 * Bad input in a file being read: `line` is the 1-based physical line of the file (what an
 * editor shows), `columnName` the header name when known. The message already names both, so
 * callers can show it as it is.
 */
export class IngestError extends CoreInputError {
  readonly line: number | undefined;
  readonly columnName: string | undefined;

  constructor(message: string, where: { line?: number; column?: number; columnName?: string } = {}) {
    super(message, { column: where.column });
    this.line = where.line;
    this.columnName = where.columnName;
  }
}
