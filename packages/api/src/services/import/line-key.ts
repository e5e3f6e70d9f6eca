import { hash } from "node:crypto";

/**
 * The content key of an order line, computed while the file is read instead of in SQL (where hashing
 * every staged line was a third of the load). It must stay byte for byte what the load computed in
 * SQL before, or a file imported then would be added again now:
 *
 *   md5(concat_ws('|', external_id, order_id, extract(epoch from ordered_at)::text, quantity::text,
 *     unit_price::text, product, category, channel, country, region, weight::text))::uuid
 *
 * concat_ws skips nulls, so an absent field leaves no separator. Repeated lines of one file are told
 * apart by their occurrence number (see RepeatedLineKeys).
 */
export interface KeyedLineFields {
  customerId: string;
  invoiceId: string | null;
  orderedAt: number;
  quantity: number;
  unitPrice: number;
  product: string | null;
  category: string | null;
  channel: string | null;
  country: string | null;
  region: string | null;
  weight: number | null;
}

export function orderLineContentKey(row: KeyedLineFields): string {
  let text = row.customerId;
  if (row.invoiceId !== null) text += `|${row.invoiceId}`;
  text += `|${pgEpochText(row.orderedAt)}|${pgFloat8Text(row.quantity)}|${pgFloat8Text(row.unitPrice)}`;
  if (row.product !== null) text += `|${row.product}`;
  if (row.category !== null) text += `|${row.category}`;
  if (row.channel !== null) text += `|${row.channel}`;
  if (row.country !== null) text += `|${row.country}`;
  if (row.region !== null) text += `|${row.region}`;
  if (row.weight !== null) text += `|${pgFloat8Text(row.weight)}`;
  return md5Uuid(text);
}

/** md5 of the UTF-8 text, as PostgreSQL's `md5(text)::uuid` prints it. */
export function md5Uuid(text: string): string {
  // One-shot hash: a Hash object per line was a sixth of the read.
  const h = hash("md5", text, "hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * `extract(epoch from t)::text` of a timestamptz at whole milliseconds: since PostgreSQL 14 a numeric
 * of scale 6 (`1291191960.000000`, `-1.500000`).
 */
export function pgEpochText(ms: number): string {
  const a = Math.abs(ms);
  const seconds = Math.floor(a / 1000);
  const millis = a - seconds * 1000;
  return `${ms < 0 && a !== 0 ? "-" : ""}${seconds}.${String(millis).padStart(3, "0")}000`;
}

/**
 * `v::text` of a float8 (extra_float_digits 1, the default): the shortest text that reads back as the
 * same number, fixed-point when the decimal exponent is in [-4, 15) and `1.5e-05` / `1e+15` style
 * otherwise. JavaScript finds the same shortest digits; only the layout differs.
 */
export function pgFloat8Text(v: number): string {
  // Both print fixed-point here (JavaScript up to 1e21, PostgreSQL below 1e15): the common case.
  const a = v < 0 ? -v : v;
  if (a >= 1e-4 && a < 1e15) return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const exp = v.toExponential();
  const at = exp.indexOf("e");
  const exponent = Number(exp.slice(at + 1));
  if (exponent >= -4 && exponent < 15) return String(v);
  const digits = exp.slice(at + 2);
  return `${exp.slice(0, at)}e${exp[at + 1]}${digits.length < 2 ? `0${digits}` : digits}`;
}

/**
 * The line keys of one file's lines, in file order: a line's content key, or for the second and later
 * of identical lines `md5(key || ':' || n)`, n its occurrence number among them (what the load
 * computed in SQL before, `row_number() over (partition by line_key order by line)`, so files imported
 * then keep their keys). Holds each distinct key of the file once (about 80 bytes a line).
 */
export class RepeatedLineKeys {
  private readonly seen = new Map<string, number>();

  keyOf(contentKey: string): string {
    const n = this.seen.get(contentKey);
    if (n === undefined) {
      this.seen.set(contentKey, 1);
      return contentKey;
    }
    this.seen.set(contentKey, n + 1);
    return md5Uuid(`${contentKey}:${n + 1}`);
  }
}
