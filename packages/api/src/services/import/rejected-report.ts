import { readFile, writeFile } from "node:fs/promises";
import { REJECTIONS_CSV_HEADER, type Rejection } from "@strata/core";
import { type CsvCell, csvHeaderLine, toCsv } from "../../csv.js";
import { BufferedFileWriter } from "./buffered-file-writer.js";

/** How many rejected rows are kept on the import record for the page (the file has them all). */
export const REJECTED_SAMPLE_SIZE = 200;

/** How many rejections share one reason in one column, with the first of them as an example. */
export interface RejectionReasonCount {
  column: string;
  reason: string;
  /** Rejections (cells) with this reason. */
  count: number;
  firstLine: number;
  firstValue: string;
}

/**
 * Every rejected row, written as it is found to a CSV with the header
 * `line,column,value,reason,original_row` (the first four are CONTRACT.md's), plus the first few
 * kept in memory for the import record and a count of every rejection by reason.
 */
export class RejectedReport extends BufferedFileWriter {
  count = 0;
  /** Rows (lines) rejected: a row with two bad cells counts once here, twice in `count`. */
  rows = 0;
  readonly sample: Rejection[] = [];
  private readonly tally = new ReasonTally();
  /** Report rows not yet formatted: CSV is written a batch at a time (one writer per row is slow). */
  private pending: CsvCell[][] = [];

  constructor(path: string) {
    super(path, csvHeaderLine(REJECTIONS_CSV_HEADER.split(",")));
  }

  /** The rejections of one record, with that record as written in the file (formatOriginalRow). */
  add(rejections: readonly Rejection[], originalRow = ""): void {
    if (rejections.length === 0) return;
    this.rows++;
    for (const r of rejections) {
      this.count++;
      if (this.sample.length < REJECTED_SAMPLE_SIZE) this.sample.push(r);
      this.tally.add(r);
    }
    for (const r of rejections) this.pending.push([r.line, r.column, r.value, r.reason, originalRow]);
  }

  override async flush(): Promise<void> {
    if (this.pending.length > 0) {
      // Values and rows come from the uploaded file: the one CSV writer neutralises formula cells.
      this.buffer += toCsv(this.pending);
      this.pending = [];
    }
    await super.flush();
  }

  /** Counts by reason, most frequent first. */
  reasons(): RejectionReasonCount[] {
    return this.tally.list();
  }
}

/** Rejections counted by column and reason; reasons that differ only by the line they point to are one. */
export class ReasonTally {
  private readonly byKey = new Map<string, RejectionReasonCount>();

  add(r: Rejection): void {
    const reason = r.reason.replace(/ \(also on line \d+\)$/, "");
    const key = `${r.column}\u0000${reason}`;
    const seen = this.byKey.get(key);
    if (seen) seen.count++;
    else this.byKey.set(key, { column: r.column, reason, count: 1, firstLine: r.line, firstValue: r.value });
  }

  /** Most frequent first. */
  list(): RejectionReasonCount[] {
    return [...this.byKey.values()].sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
  }
}

/** Kept beside the report so the page can show every reason's count, not just the sample's. */
export async function writeReasonCounts(path: string, reasons: RejectionReasonCount[]): Promise<void> {
  await writeFile(path, JSON.stringify({ reasons }), { encoding: "utf8", mode: 0o600 });
}

/** The counts written by writeReasonCounts, or undefined when there are none (or they are gone). */
export async function readReasonCounts(path: string): Promise<RejectionReasonCount[] | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as { reasons?: RejectionReasonCount[] };
    return Array.isArray(parsed.reasons) ? parsed.reasons : undefined;
  } catch {
    return undefined;
  }
}
