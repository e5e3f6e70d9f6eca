import { REJECTIONS_CSV_HEADER, type Rejection, rejectionToCsvLine } from "@strata/core";
import { BufferedFileWriter } from "./buffered-file-writer.js";

/** How many rejected rows are kept on the import record for the page (the file has them all). */
export const REJECTED_SAMPLE_SIZE = 200;

/**
 * Every rejected row, written as it is found to a CSV with the header `line,column,value,reason`
 * (CONTRACT.md), plus the first few kept in memory for the import record.
 */
export class RejectedReport extends BufferedFileWriter {
  count = 0;
  /** Rows (lines) rejected: a row with two bad cells counts once here, twice in `count`. */
  rows = 0;
  readonly sample: Rejection[] = [];

  constructor(path: string) {
    super(path, `${REJECTIONS_CSV_HEADER}\n`);
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
}
