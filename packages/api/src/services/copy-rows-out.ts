import type { Driver } from "@strata/db";
import copyStreams from "pg-copy-streams";
import type { RawClient } from "./import/raw-client.js";

/**
 * Streams the rows of `select` to `onRow` through COPY TO in text format (a stream on PostgreSQL,
 * one blob on PGlite): one line per row, tab-separated, so rows are cut with the engine's own string
 * search instead of a character-by-character parser, and no object is made per row. `fields` is
 * reused from row to row. COPY takes no parameters: `select` must hold only validated values, and
 * must name the tenant itself (on PGlite it runs as the connecting role, see below).
 */
export async function copyRowsOut(
  client: RawClient,
  driver: Driver,
  select: string,
  onRow: (fields: ReadonlyArray<string | null>) => void,
): Promise<void> {
  const reader = new CopyTextReader(onRow);
  if (driver === "pglite") {
    // COPY TO a blob counts as writing a server file, which the app role may not do; the query names
    // the tenant explicitly, so reading as the connecting role sees only its rows.
    await client.query("reset role");
    let blob: Blob | undefined;
    try {
      blob = ((await client.query(`copy (${select}) to '/dev/blob'`)) as { blob?: Blob }).blob;
    } finally {
      await client.query("set local role strata_app");
    }
    if (!blob) return;
    reader.push(await blob.text());
    reader.end();
    return;
  }
  // PostgreSQL: COPY TO STDOUT streams the rows (row-level security applies to it), far cheaper
  // than turning every row into an object.
  const stream = (client as unknown as { query(s: unknown): AsyncIterable<Buffer> }).query(
    copyStreams.to(`copy (${select}) to stdout`),
  );
  const decoder = new TextDecoder();
  for await (const chunk of stream) reader.push(decoder.decode(chunk, { stream: true }));
  reader.push(decoder.decode());
  reader.end();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws unless every id is a uuid: ids are written into COPY queries, which take no parameters. */
export function assertUuids(ids: Iterable<string>, what: string): void {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`${what} must be uuids`);
}

/** A string as an SQL literal, for the COPY queries that cannot take parameters. */
export function sqlLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("a value with a NUL character cannot be queried");
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Rows of PostgreSQL's COPY text format: fields split on tabs, `\N` is null (here: null), and a
 * field holding a backslash is unescaped. A row never spans a line (line breaks are escaped).
 */
class CopyTextReader {
  private carry = "";
  private readonly fields: Array<string | null> = [];

  constructor(private readonly emit: (fields: ReadonlyArray<string | null>) => void) {}

  push(text: string): void {
    const data = this.carry.length > 0 ? this.carry + text : text;
    let start = 0;
    for (let end = data.indexOf("\n", start); end >= 0; end = data.indexOf("\n", start)) {
      this.row(data, start, end);
      start = end + 1;
    }
    this.carry = data.slice(start);
  }

  end(): void {
    if (this.carry.length > 0) this.row(this.carry, 0, this.carry.length);
    this.carry = "";
  }

  private row(data: string, start: number, end: number): void {
    const fields = this.fields;
    fields.length = 0;
    let at = start;
    for (;;) {
      const tab = data.indexOf("\t", at);
      const stop = tab < 0 || tab > end ? end : tab;
      const raw = data.slice(at, stop);
      fields.push(raw === "\\N" ? null : raw.includes("\\") ? unescapeCopyText(raw) : raw);
      if (stop === end) break;
      at = stop + 1;
    }
    this.emit(fields);
  }
}

const COPY_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A COPY text field with its backslash escapes resolved (PostgreSQL writes only these on output). */
function unescapeCopyText(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}
