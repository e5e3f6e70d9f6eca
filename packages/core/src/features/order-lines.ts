import { CoreInputError } from "../errors.js";

/** A categorical column of order lines: codes index into names, -1 = missing. */
export interface CodedColumn {
  readonly codes: Int32Array;
  readonly names: ReadonlyArray<string>;
}

/**
 * Order lines in columnar form (one entry per line), so 500k+ lines stay a handful of typed
 * arrays. `customer` indexes into `customerIds` (-1: line without a customer); `invoice`
 * groups lines into orders (-1: none); `cancelled` flags lines of a cancelled invoice
 * (UCI Online Retail writes those with an InvoiceNo starting with "C").
 */
export interface OrderLines {
  readonly customer: Int32Array;
  readonly customerIds: ReadonlyArray<string>;
  /** Epoch milliseconds (UTC). */
  readonly time: Float64Array;
  readonly quantity: Float64Array;
  readonly unitPrice: Float64Array;
  readonly invoice?: Int32Array;
  readonly cancelled?: Uint8Array;
  readonly product?: CodedColumn;
  readonly category?: CodedColumn;
  readonly channel?: CodedColumn;
  readonly country?: CodedColumn;
}

/** One order line as parsed records (JSON, a database row). */
export interface OrderLineRecord {
  readonly customerId: string | number | null | undefined;
  readonly time: number | string | Date;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly invoice?: string | number | null;
  readonly product?: string | null;
  readonly category?: string | null;
  readonly channel?: string | null;
  readonly country?: string | null;
}

class Interner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  code(value: string | number | null | undefined): number {
    if (value === null || value === undefined) return -1;
    const key = String(value).trim();
    if (key === "") return -1;
    let code = this.index.get(key);
    if (code === undefined) {
      code = this.names.length;
      this.index.set(key, code);
      this.names.push(key);
    }
    return code;
  }
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export interface OrderLineFields {
  readonly customerId: string | number | null | undefined;
  readonly time: number;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly invoice?: string | number | null | undefined;
  readonly product?: string | null | undefined;
  readonly category?: string | null | undefined;
  readonly channel?: string | null | undefined;
  readonly country?: string | null | undefined;
}

/**
 * Collects order lines one at a time (a CSV stream, a database cursor) into the columnar
 * form, interning repeated strings. Which optional columns exist is fixed at construction.
 */
export class OrderLinesBuilder {
  private readonly customers = new Interner();
  private readonly invoices = new Interner();
  private readonly products = new Interner();
  private readonly categories = new Interner();
  private readonly channels = new Interner();
  private readonly countries = new Interner();
  private readonly customer = new GrowableInt32();
  private readonly time = new GrowableFloat64();
  private readonly quantity = new GrowableFloat64();
  private readonly unitPrice = new GrowableFloat64();
  private readonly invoice = new GrowableInt32();
  private readonly cancelled = new GrowableInt32();
  private readonly product = new GrowableInt32();
  private readonly category = new GrowableInt32();
  private readonly channel = new GrowableInt32();
  private readonly country = new GrowableInt32();

  constructor(
    private readonly has: {
      invoice?: boolean;
      product?: boolean;
      category?: boolean;
      channel?: boolean;
      country?: boolean;
    } = {},
  ) {}

  get length(): number {
    return this.customer.length;
  }

  push(line: OrderLineFields): void {
    this.customer.push(this.customers.code(line.customerId));
    this.time.push(line.time);
    this.quantity.push(line.quantity);
    this.unitPrice.push(line.unitPrice);
    if (this.has.invoice) {
      const text = line.invoice === null || line.invoice === undefined ? "" : String(line.invoice).trim();
      this.invoice.push(this.invoices.code(text));
      this.cancelled.push(text[0] === "C" || text[0] === "c" ? 1 : 0);
    }
    if (this.has.product) this.product.push(this.products.code(line.product));
    if (this.has.category) this.category.push(this.categories.code(line.category));
    if (this.has.channel) this.channel.push(this.channels.code(line.channel));
    if (this.has.country) this.country.push(this.countries.code(line.country));
  }

  finish(): OrderLines {
    const coded = (g: GrowableInt32, i: Interner): CodedColumn => ({ codes: g.finish(), names: i.names });
    return {
      customer: this.customer.finish(),
      customerIds: this.customers.names,
      time: this.time.finish(),
      quantity: this.quantity.finish(),
      unitPrice: this.unitPrice.finish(),
      ...(this.has.invoice
        ? { invoice: this.invoice.finish(), cancelled: Uint8Array.from(this.cancelled.finish()) }
        : {}),
      ...(this.has.product ? { product: coded(this.product, this.products) } : {}),
      ...(this.has.category ? { category: coded(this.category, this.categories) } : {}),
      ...(this.has.channel ? { channel: coded(this.channel, this.channels) } : {}),
      ...(this.has.country ? { country: coded(this.country, this.countries) } : {}),
    };
  }
}

function toTime(value: number | string | Date, row: number): number {
  const t = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(t)) {
    throw new CoreInputError(`order line ${row}: time "${String(value)}" is not a date`, {
      row,
      field: "time",
    });
  }
  return t;
}

/** Builds columnar order lines from records; optional columns exist when any record has them. */
export function orderLinesFromRecords(records: ReadonlyArray<OrderLineRecord>): OrderLines {
  const some = (key: keyof OrderLineRecord): boolean =>
    records.some((r) => r[key] !== undefined && r[key] !== null);
  const builder = new OrderLinesBuilder({
    invoice: some("invoice"),
    product: some("product"),
    category: some("category"),
    channel: some("channel"),
    country: some("country"),
  });
  records.forEach((r, row) => {
    builder.push({ ...r, time: toTime(r.time, row) });
  });
  return builder.finish();
}
