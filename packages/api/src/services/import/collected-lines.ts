import type { OrderLineFields, OrderRow } from "@strata/core";
import type { KnownOrderLines } from "../customer/recompute-customer-features.js";

/** Lines kept in memory for the features at most; a larger file's features read the lines back. */
const MAX_LINES = 1_000_000;

type Text = string | null;

/** Texts at least this long are shared; V8 makes shorter slices of a string as copies. */
const SHARED_LENGTH = 13;

/**
 * The valid order lines of the file being imported, kept as they are read (the fields the customer
 * features use, repeated texts shared), so that the first import into a workspace computes the
 * features from them instead of reading every line it has just written back from the database.
 * Gives up (and frees what it held) past MAX_LINES lines.
 */
export class CollectedLines {
  private externalIds: string[] = [];
  private time: number[] = [];
  private quantity: number[] = [];
  private unitPrice: number[] = [];
  private invoice: Text[] = [];
  private product: Text[] = [];
  private category: Text[] = [];
  private channel: Text[] = [];
  private country: Text[] = [];
  private lineKey: string[] = [];
  private readonly texts = new Map<string, string>();
  private isFull = false;

  get length(): number {
    return this.isFull ? 0 : this.time.length;
  }

  /** Whether every staged line is here. */
  get isComplete(): boolean {
    return !this.isFull;
  }

  add(row: OrderRow, lineKey: string): void {
    if (this.isFull) return;
    if (this.time.length === MAX_LINES) {
      this.isFull = true;
      this.externalIds = [];
      this.time = [];
      this.quantity = [];
      this.unitPrice = [];
      this.invoice = [];
      this.product = [];
      this.category = [];
      this.channel = [];
      this.country = [];
      this.lineKey = [];
      this.texts.clear();
      return;
    }
    this.externalIds.push(this.share(row.customerId)!);
    this.time.push(row.orderedAt);
    this.quantity.push(row.quantity);
    this.unitPrice.push(row.unitPrice);
    this.invoice.push(this.share(row.invoiceId));
    this.product.push(this.share(row.product));
    this.category.push(this.share(row.category));
    this.channel.push(this.share(row.channel));
    this.country.push(this.share(row.country));
    this.lineKey.push(lineKey);
  }

  /**
   * The lines as the database would read them once written (see readOrderLines): with their
   * customers' ids, in customer id, time and line key order, so the features are the same to the
   * last tie-break. Undefined when a customer is missing from `customerIdOf` or lines were dropped.
   */
  known(customerIdOf: ReadonlyMap<string, string>): KnownOrderLines | undefined {
    if (this.isFull) return undefined;
    const n = this.time.length;
    const customerIds: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const id = customerIdOf.get(this.externalIds[i]!);
      if (id === undefined) return undefined;
      customerIds[i] = id;
    }
    const order = Array.from({ length: n }, (_, i) => i);
    const { time, lineKey } = this;
    // uuids compare as the database compares them: their lower-case hex texts do.
    order.sort((a, b) => {
      const ca = customerIds[a]!;
      const cb = customerIds[b]!;
      if (ca !== cb) return ca < cb ? -1 : 1;
      const t = time[a]! - time[b]!;
      if (t !== 0) return t;
      const ka = lineKey[a]!;
      const kb = lineKey[b]!;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const some = (column: Text[]) => column.some((v) => v !== null);
    const has = {
      invoice: some(this.invoice),
      product: some(this.product),
      category: some(this.category),
      channel: some(this.channel),
      country: some(this.country),
    };
    return {
      has,
      replay: (push: (line: OrderLineFields) => void) => {
        for (const i of order) {
          push({
            customerId: customerIds[i]!,
            time: this.time[i]!,
            quantity: this.quantity[i]!,
            unitPrice: this.unitPrice[i]!,
            invoice: this.invoice[i]!,
            product: this.product[i]!,
            category: this.category[i]!,
            channel: this.channel[i]!,
            country: this.country[i]!,
          });
        }
      },
    };
  }

  /**
   * One string per distinct long text: a cell cut from the file would otherwise keep its whole chunk
   * alive (V8 copies the shorter cuts, which need no sharing).
   */
  private share(text: Text): Text {
    if (text === null || text.length < SHARED_LENGTH) return text;
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    this.texts.set(text, text);
    return text;
  }
}
