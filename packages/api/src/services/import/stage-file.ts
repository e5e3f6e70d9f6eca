import { BufferedFileWriter } from "./buffered-file-writer.js";

/**
 * Valid rows waiting for the import transaction, written to disk in PostgreSQL's COPY text format
 * (one row per physical line, tab-separated, `\N` for NULL), so a file of any size is read with
 * bounded memory and loaded with one COPY.
 */
export class StageFile extends BufferedFileWriter {
  rows = 0;

  /** Appends one row; values are strings, finite numbers or null. */
  add(values: StageValues): void {
    this.buffer += formatStageRow(values);
    this.rows++;
  }
}

/** One staged row's values: strings, finite numbers or null. */
export type StageValues = ReadonlyArray<string | number | null>;

/** One row in COPY text format, newline included. */
export function formatStageRow(values: StageValues): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += "\t";
    const v = values[i];
    if (v === null || v === undefined) line += "\\N";
    else if (typeof v === "number") line += String(v);
    else line += escapeCopyText(v);
  }
  return `${line}\n`;
}

const SPECIAL = /[\\\t\n\r]/;

export function escapeCopyText(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}
