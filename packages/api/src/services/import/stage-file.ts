import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/**
 * Valid rows waiting for the import transaction, written to disk in PostgreSQL's COPY text format
 * (one row per physical line, tab-separated, `\N` for NULL), so a file of any size is read with
 * bounded memory and loaded with one COPY.
 */
export class StageFile {
  readonly path: string;
  rows = 0;
  private readonly out: WriteStream;
  private buffer = "";

  constructor(path: string) {
    this.path = path;
    this.out = createWriteStream(path, { encoding: "utf8" });
  }

  /** Appends one row; values are strings, finite numbers or null. */
  add(values: ReadonlyArray<string | number | null>): void {
    let line = "";
    for (let i = 0; i < values.length; i++) {
      if (i > 0) line += "\t";
      const v = values[i];
      if (v === null || v === undefined) line += "\\N";
      else if (typeof v === "number") line += String(v);
      else line += escapeCopyText(v);
    }
    this.buffer += `${line}\n`;
    this.rows++;
  }

  /** Writes what is buffered, waiting when the disk is slower than the parser. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.out.write(chunk)) await once(this.out, "drain");
  }

  private closing: Promise<void> | undefined;

  /** Flushes and closes the file; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.out.end();
      if (!this.out.writableFinished) await once(this.out, "finish");
    })();
    return this.closing;
  }
}

const SPECIAL = /[\\\t\n\r]/;

export function escapeCopyText(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}
