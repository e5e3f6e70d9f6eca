import { Readable, type Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type { RowAssignments } from "@strata/core";
import copyStreams from "pg-copy-streams";
import type { RawClient } from "../services/import/raw-client.js";
import type { CustomerIds } from "./customer-ids.js";

/**
 * Bytes of COPY text formatted at a time: big enough that a batch is one cheap socket write, small
 * enough that only a few are alive at once (the stream formats the next one when the server has
 * taken the last, so 1,000,000 memberships never exist as text all at once).
 */
export const COPY_BATCH_BYTES = 256 * 1024;

/** The longest line: uuid, tab, int32 (11 characters), tab, float64 (at most 24 characters), newline. */
const MAX_LINE_BYTES = 36 + 1 + 11 + 1 + 24 + 1;

/**
 * A run's memberships as the lines of PostgreSQL's COPY text format, `customer_id \t segment \t
 * distance \n`, in the order of the customers' ids, made batch by batch straight from the typed
 * arrays (no string per id or per row, only the distance's own digits). A distance that is not
 * finite is written as null; a finite one as JavaScript's shortest round-tripping spelling, which
 * float8 reads back to the same double (the same text the array literals of the chunked INSERT carry).
 */
export class MembershipText {
  /** The rows of `customerIds` to write, in the order written (the customers' ids). */
  readonly order: Int32Array;
  private readonly positionOfRow: Int32Array;
  private next = 0;

  /** `assigned.rows[i]` is the row, in `customerIds`, of the customer in segment `labels[i]` at `distances[i]`. */
  constructor(
    private readonly customerIds: CustomerIds,
    private readonly assigned: RowAssignments,
  ) {
    this.positionOfRow = new Int32Array(customerIds.length).fill(-1);
    assigned.rows.forEach((row, i) => {
      this.positionOfRow[row] = i;
    });
    this.order = customerIds.rowsInIdOrder(assigned.rows);
  }

  /** Lines written so far. */
  get written(): number {
    return this.next;
  }

  /** The segment and the distance (null when not finite) of the i-th line in `order`. */
  membershipAt(i: number): { row: number; segment: number; distance: number | null } {
    const row = this.order[i]!;
    const position = this.positionOfRow[row]!;
    const distance = this.assigned.distances[position]!;
    return {
      row,
      segment: this.assigned.labels[position]!,
      distance: Number.isFinite(distance) ? distance : null,
    };
  }

  /** The next lines, at most `maxBytes` of them (at least one line), or null when all are written. */
  nextBatch(maxBytes = COPY_BATCH_BYTES): Buffer | null {
    if (this.next >= this.order.length) return null;
    const out = Buffer.allocUnsafe(Math.max(maxBytes, MAX_LINE_BYTES));
    const limit = out.length - MAX_LINE_BYTES;
    const { order, positionOfRow, customerIds } = this;
    const { labels, distances } = this.assigned;
    let at = 0;
    let i = this.next;
    for (; i < order.length && at <= limit; i++) {
      const row = order[i]!;
      const position = positionOfRow[row]!;
      customerIds.writeAscii(row, out, at);
      at += 36;
      out[at++] = TAB;
      at = writeInt(out, at, labels[position]!);
      out[at++] = TAB;
      const distance = distances[position]!;
      if (Number.isFinite(distance)) {
        const text = String(distance);
        for (let c = 0; c < text.length; c++) out[at++] = text.charCodeAt(c);
      } else {
        out[at++] = BACKSLASH;
        out[at++] = N;
      }
      out[at++] = NEWLINE;
    }
    this.next = i;
    return out.subarray(0, at);
  }
}

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const N = 78;
const MINUS = 45;
const ZERO = 48;

/** Writes an int32 in decimal at `at`; returns the position after it. */
function writeInt(out: Uint8Array, at: number, value: number): number {
  let v = value;
  let start = at;
  if (v < 0) {
    out[at++] = MINUS;
    start = at;
    v = -v; // an int32's negation fits a double exactly
  }
  do {
    out[at++] = ZERO + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  // The digits went in least significant first.
  for (let a = start, b = at - 1; a < b; a++, b--) {
    const t = out[a]!;
    out[a] = out[b]!;
    out[b] = t;
  }
  return at;
}

/**
 * The lines as a byte stream that formats a batch only when the one before has been taken
 * (backpressure: a slow server holds the formatting back instead of the text piling up here).
 */
export function membershipTextStream(text: MembershipText, batchBytes = COPY_BATCH_BYTES): Readable {
  return new Readable({
    highWaterMark: batchBytes,
    read() {
      this.push(text.nextBatch(batchBytes));
    },
  });
}

/**
 * Streams `source` into `copy ... from stdin` on a node-postgres connection (inside the caller's
 * transaction); resolves with the rows the server took. Aborting `signal` cancels the COPY (the
 * server discards it and the transaction can only roll back); so does a failure on either side.
 */
export async function copyFromStream(
  client: RawClient,
  copySql: string,
  source: Readable,
  signal?: AbortSignal,
): Promise<number> {
  signal?.throwIfAborted();
  const copy = (client as unknown as { query(s: unknown): Writable & { rowCount: number } }).query(
    copyStreams.from(copySql),
  );
  try {
    await pipeline(source, copy, { signal });
  } catch (error) {
    // pipeline settles as soon as it has destroyed the streams; the COPY's own destroy sends a
    // CopyFail and ends only when the server has answered it. Wait for that, so the ROLLBACK that
    // follows goes to a connection that is out of the COPY.
    copy.destroy();
    await finished(copy).catch(() => undefined);
    throw error;
  }
  return copy.rowCount;
}
