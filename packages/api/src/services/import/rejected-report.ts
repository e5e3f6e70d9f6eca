import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { REJECTIONS_CSV_HEADER, type Rejection, rejectionToCsvLine } from "@strata/core";

/** How many rejected rows are kept on the import record for the page (the file has them all). */
export const REJECTED_SAMPLE_SIZE = 200;

/**
 * Every rejected row, written as it is found to a CSV with the header `line,column,value,reason`
 * (CONTRACT.md), plus the first few kept in memory for the import record.
 */
export class RejectedReport {
  readonly path: string;
  count = 0;
  /** Rows (lines) rejected: a row with two bad cells counts once here, twice in `count`. */
  rows = 0;
  readonly sample: Rejection[] = [];
  private readonly out: WriteStream;
  private buffer = `${REJECTIONS_CSV_HEADER}\n`;

  constructor(path: string) {
    this.path = path;
    this.out = createWriteStream(path, { encoding: "utf8" });
  }

  add(rejections: readonly Rejection[]): void {
    if (rejections.length === 0) return;
    this.rows++;
    for (const r of rejections) {
      this.count++;
      if (this.sample.length < REJECTED_SAMPLE_SIZE) this.sample.push(r);
      this.buffer += `${rejectionToCsvLine(r)}\n`;
    }
  }

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
