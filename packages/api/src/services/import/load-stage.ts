import { once } from "node:events";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type { Driver } from "@strata/db";
import copyStreams from "pg-copy-streams";
import type { DatasetKind } from "./fields.js";
import type { RawClient } from "./raw-client.js";
import { formatStageRow, type StageValues } from "./stage-file.js";

/** Temporary table the staged rows are copied into; dropped when the import transaction ends. */
export const STAGE_TABLE = "import_stage";

const STAGE_COLUMNS: Record<DatasetKind, string> = {
  customers: "line integer not null, external_id text not null, attributes jsonb not null",
  orders:
    "line integer not null, external_id text not null, ordered_at timestamptz not null, quantity float8 not null, " +
    "unit_price float8 not null, order_id text, product text, category text, channel text, country text, " +
    "region text, weight float8, unit_cost float8, discount float8, delivery_id text, distance float8, line_key uuid not null",
  activities:
    "line integer not null, external_id text not null, activity text not null, quantity float8 not null, " +
    "occurred_on date",
};

/** The staged columns in the order StageFile rows are written. */
export const STAGE_COLUMN_ORDER: Record<DatasetKind, readonly string[]> = {
  customers: ["line", "external_id", "attributes"],
  orders: [
    "line",
    "external_id",
    "ordered_at",
    "quantity",
    "unit_price",
    "order_id",
    "product",
    "category",
    "channel",
    "country",
    "region",
    "weight",
    "unit_cost",
    "discount",
    "delivery_id",
    "distance",
    "line_key",
  ],
  activities: ["line", "external_id", "activity", "quantity", "occurred_on"],
};

/** PGlite reads a COPY from an in-memory blob: the stage file goes in pieces of about this size. */
const PGLITE_COPY_BYTES = 16 * 1024 * 1024;

/** Creates the (transaction-scoped) staging table of `kind`. */
export async function createStageTable(client: RawClient, kind: DatasetKind): Promise<void> {
  await client.query(`create temp table ${STAGE_TABLE} (${STAGE_COLUMNS[kind]}) on commit drop`);
}

/**
 * Staged rows streamed straight into the staging table while the file is read (PostgreSQL): the
 * server parses the COPY on its own core while this process parses the file, and no stage file is
 * written and read back. Same interface as StageFile.
 */
export class StageCopy {
  rows = 0;
  private buffer = "";
  private readonly stream: Writable;
  private closing: Promise<void> | undefined;

  constructor(client: RawClient, kind: DatasetKind) {
    const copySql = `copy ${STAGE_TABLE} (${STAGE_COLUMN_ORDER[kind].join(", ")}) from stdin`;
    this.stream = (client as unknown as { query(s: unknown): Writable }).query(copyStreams.from(copySql));
    // Until close() or abort() awaits it, an error of the COPY surfaces at the next write.
    this.stream.on("error", () => undefined);
  }

  add(values: StageValues): void {
    this.buffer += formatStageRow(values);
    this.rows++;
  }

  /** Hands what is buffered to the COPY, waiting while the server is behind. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    if (this.stream.errored) throw this.stream.errored;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  /** Ends the COPY; resolves once the server has every row. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.stream.end();
      await finished(this.stream);
    })();
    return this.closing;
  }

  /** Cancels the COPY (the server discards it), so the connection can roll the transaction back. */
  async abort(): Promise<void> {
    if (this.stream.destroyed || this.stream.writableFinished) return;
    this.stream.destroy(new Error("the import stopped while its rows were being copied"));
    await finished(this.stream).catch(() => undefined);
  }
}

/**
 * Creates the staging table and bulk-loads the stage file into it: one COPY ... FROM STDIN stream on
 * PostgreSQL; on PGlite (no COPY protocol) COPY from '/dev/blob' in line-aligned pieces.
 */
export async function loadStage(
  client: RawClient,
  driver: Driver,
  kind: DatasetKind,
  stagePath: string,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  await createStageTable(client, kind);
  const copySql = `copy ${STAGE_TABLE} (${STAGE_COLUMN_ORDER[kind].join(", ")}) from stdin`;
  if (driver === "postgres") {
    const stream = (client as unknown as { query(s: unknown): NodeJS.WritableStream }).query(
      copyStreams.from(copySql),
    );
    await pipeline(createReadStream(stagePath, { highWaterMark: 1024 * 1024 }), stream);
    onProgress?.(1);
    return;
  }
  const file = await open(stagePath, "r");
  // COPY from '/dev/blob' counts as reading a server file, which the app role may not do. PGlite is
  // embedded (its "server files" are this process's memory), so the load into the session's own temp
  // table runs as the connecting role; tenant tables are only touched after the role is restored.
  await client.query("reset role");
  try {
    const { size } = await file.stat();
    const buffer = Buffer.allocUnsafe(PGLITE_COPY_BYTES);
    let position = 0;
    let carry = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      position += bytesRead;
      const data =
        carry.length > 0
          ? Buffer.concat([carry, buffer.subarray(0, bytesRead)])
          : buffer.subarray(0, bytesRead);
      const isLast = bytesRead === 0 || position >= size;
      // Rows never span a line (the stage format escapes line breaks), so cutting after a newline is safe.
      const cut = isLast ? data.length : data.lastIndexOf(10) + 1;
      if (cut > 0) {
        await client.query(copySql.replace("from stdin", "from '/dev/blob'"), [], {
          blob: new Blob([data.subarray(0, cut)]),
        });
      }
      carry = Buffer.from(data.subarray(cut));
      onProgress?.(size === 0 ? 1 : Math.min(1, position / size));
      if (isLast) break;
    }
  } finally {
    await client.query("set local role strata_app");
    await file.close();
  }
}
