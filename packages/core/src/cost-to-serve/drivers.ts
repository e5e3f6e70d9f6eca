import { CoreInputError } from "../errors.js";
import type { CodedColumn } from "../features/order-lines.js";
import { DAY_MS } from "../ingest/dates.js";
import { LINE_DRIVERS, type LineDriver } from "./model.js";

/**
 * Order lines for cost-to-serve in columnar form (one entry per line): 2,000,000 lines stay a
 * handful of typed arrays. `customer` indexes `customerIds`; `order` and `delivery` are codes
 * of (customer, order id) and (customer, delivery id) pairs, so two customers' order "1" are
 * two orders. Optional numbers are NaN where a line has none.
 */
export interface CostLines {
  readonly customer: Int32Array;
  readonly customerIds: ReadonlyArray<string>;
  readonly order: Int32Array;
  readonly orders: number;
  /** Delivery (drop) codes; a line without a delivery id is its order's delivery. */
  readonly delivery: Int32Array;
  readonly deliveries: number;
  readonly quantity: Float64Array;
  readonly unitPrice: Float64Array;
  /** Epoch milliseconds (UTC), NaN when not given. */
  readonly time: Float64Array;
  readonly unitCost: Float64Array;
  /** Money off the line, 0 when not given. */
  readonly discount: Float64Array;
  /** The delivery's distance (km or miles, as the rate), NaN when not given. */
  readonly distance: Float64Array;
  /** The whole line's weight in kg, 0 when not given. */
  readonly weightKg: Float64Array;
  readonly channel: CodedColumn;
  readonly region: CodedColumn;
  readonly product: CodedColumn;
  readonly category: CodedColumn;
}

/** One order line as given (a CSV row, a database row); only the first four are required. */
export interface CostLineFields {
  readonly customerId: string;
  readonly orderId: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly time?: number | undefined;
  readonly unitCost?: number | undefined;
  readonly discount?: number | undefined;
  readonly deliveryId?: string | undefined;
  readonly distance?: number | undefined;
  readonly weightKg?: number | undefined;
  readonly channel?: string | undefined;
  readonly region?: string | undefined;
  readonly product?: string | undefined;
  readonly category?: string | undefined;
}

class Interner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  code(key: string): number {
    let code = this.index.get(key);
    if (code === undefined) {
      code = this.names.length;
      this.index.set(key, code);
      this.names.push(key);
    }
    return code;
  }
  optional(value: string | undefined): number {
    if (value === undefined) return -1;
    const key = value.trim();
    return key === "" ? -1 : this.code(key);
  }
}

class Column<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const floats = () => new Column(new Float64Array(1024), (n) => new Float64Array(n));
const ints = () => new Column(new Int32Array(1024), (n) => new Int32Array(n));

function check(
  row: number,
  field: string,
  value: number | undefined,
  options: { sign?: boolean } = {},
): number {
  if (value === undefined) return Number.NaN;
  if (!Number.isFinite(value))
    throw new CoreInputError(`order line ${row}: ${field} ${value} is not a number`, { row, field });
  if (!options.sign && value < 0)
    throw new CoreInputError(`order line ${row}: ${field} must not be negative, got ${value}`, {
      row,
      field,
    });
  return value;
}

/**
 * Collects cost-to-serve order lines one at a time (a CSV stream, a database cursor), checking
 * each value; a bad one throws a CoreInputError whose `row` is the line's 0-based position.
 */
export class CostLinesBuilder {
  private readonly customers = new Interner();
  private readonly orders = new Interner();
  private readonly deliveries = new Interner();
  private readonly channels = new Interner();
  private readonly regions = new Interner();
  private readonly products = new Interner();
  private readonly categories = new Interner();
  private readonly cols = {
    customer: ints(),
    order: ints(),
    delivery: ints(),
    channel: ints(),
    region: ints(),
    product: ints(),
    category: ints(),
    quantity: floats(),
    unitPrice: floats(),
    time: floats(),
    unitCost: floats(),
    discount: floats(),
    distance: floats(),
    weightKg: floats(),
  };

  get length(): number {
    return this.cols.customer.length;
  }

  push(line: CostLineFields): void {
    const row = this.length;
    const customerId = line.customerId.trim();
    if (customerId === "")
      throw new CoreInputError(`order line ${row}: customer_id is empty`, { row, field: "customer_id" });
    const orderId = line.orderId.trim();
    if (orderId === "")
      throw new CoreInputError(`order line ${row}: order_id is empty`, { row, field: "order_id" });
    const quantity = check(row, "quantity", line.quantity, { sign: true });
    const unitPrice = check(row, "unit_price", line.unitPrice);
    const time = line.time === undefined ? Number.NaN : check(row, "ordered_at", line.time, { sign: true });
    const unitCost = check(row, "unit_cost", line.unitCost);
    const discount = check(row, "discount", line.discount);
    const distance = check(row, "distance", line.distance);
    const weightKg = check(row, "weight_kg", line.weightKg);
    const c = this.customers.code(customerId);
    // Order and delivery ids are per customer: a NUL cannot appear in a CSV cell.
    const order = this.orders.code(`${c}\u0000${orderId}`);
    const deliveryId = line.deliveryId?.trim() ?? "";
    const delivery = this.deliveries.code(
      deliveryId === "" ? `o\u0000${order}` : `d\u0000${c}\u0000${deliveryId}`,
    );
    const cols = this.cols;
    cols.customer.push(c);
    cols.order.push(order);
    cols.delivery.push(delivery);
    cols.channel.push(this.channels.optional(line.channel));
    cols.region.push(this.regions.optional(line.region));
    cols.product.push(this.products.optional(line.product));
    cols.category.push(this.categories.optional(line.category));
    cols.quantity.push(quantity);
    cols.unitPrice.push(unitPrice);
    cols.time.push(time);
    cols.unitCost.push(unitCost);
    cols.discount.push(Number.isNaN(discount) ? 0 : discount);
    cols.distance.push(distance);
    cols.weightKg.push(Number.isNaN(weightKg) ? 0 : weightKg);
  }

  finish(): CostLines {
    const c = this.cols;
    return {
      customer: c.customer.finish(),
      customerIds: this.customers.names,
      order: c.order.finish(),
      orders: this.orders.names.length,
      delivery: c.delivery.finish(),
      deliveries: this.deliveries.names.length,
      quantity: c.quantity.finish(),
      unitPrice: c.unitPrice.finish(),
      time: c.time.finish(),
      unitCost: c.unitCost.finish(),
      discount: c.discount.finish(),
      distance: c.distance.finish(),
      weightKg: c.weightKg.finish(),
      channel: { codes: c.channel.finish(), names: this.channels.names },
      region: { codes: c.region.finish(), names: this.regions.names },
      product: { codes: c.product.finish(), names: this.products.names },
      category: { codes: c.category.finish(), names: this.categories.names },
    };
  }
}

/** Builds cost lines from records (tests, small inputs). */
export function costLinesFromRecords(records: ReadonlyArray<CostLineFields>): CostLines {
  const builder = new CostLinesBuilder();
  for (const r of records) builder.push(r);
  return builder.finish();
}

export const DRIVER_COUNT = LINE_DRIVERS.length;
export const DRIVER_INDEX = Object.fromEntries(LINE_DRIVERS.map((d, i) => [d, i])) as Record<
  LineDriver,
  number
>;

/**
 * A per-line rate table for an activity whose rate depends on the line's channel and/or
 * region: `costPerUnit[cell]`, where cell = (channel code + 1) x (regions + 1) + region code + 1.
 */
export interface LineRateTable {
  readonly driver: number;
  readonly costPerUnit: Float64Array;
}

/** What one pass over the order lines gives, per customer (index = customer code). */
export interface LineScan {
  readonly customers: number;
  readonly grossSales: Float64Array;
  readonly discounts: Float64Array;
  readonly returnsAllowances: Float64Array;
  readonly cogs: Float64Array;
  /** Driver quantities, customers x LINE_DRIVERS (row-major). */
  readonly drivers: Float64Array;
  /** Cost of each rate table's activity, customers x tables (row-major). */
  readonly tableCost: Float64Array;
  /** Driver quantity per rate table and cell, tables x cells: minutes used by time-driven ones. */
  readonly tableUse: Float64Array;
  readonly cells: number;
  /** Lines with no unit cost, no product cost and no category margin: no cost of goods. */
  readonly linesWithoutCost: number;
  /** Days covered by the order dates (first to last, both counted); NaN without dates. */
  readonly spanDays: number;
}

/** The rate-table cell of a line's channel and region codes (-1 = missing). */
export function cellOf(channel: number, region: number, regions: number): number {
  return (channel + 1) * (regions + 1) + region + 1;
}

/**
 * One pass over the order lines: money per customer (gross sales, discounts, returns and
 * allowances, cost of goods), driver quantities per customer, and the cost of every activity
 * whose rate varies by channel or region. Nothing is allocated per line.
 *
 * A sales line (quantity >= 0) counts its order and delivery the first time they are seen; the
 * distance of a delivery is counted on the first sales line that gives it, and every later line
 * of that delivery must repeat it (or leave it empty). A return line (quantity < 0) is valued at
 * its price: |quantity| x price - discount goes to returns and allowances, and its cost of goods
 * (a negative amount) is taken off.
 */
export function scanLines(
  lines: CostLines,
  options: {
    tables?: ReadonlyArray<LineRateTable>;
    /** Unit cost per product code (NaN: none). */
    productCost?: Float64Array;
    /** Margin % of net sales per category code (NaN: none). */
    categoryMargin?: Float64Array;
  } = {},
): LineScan {
  const n = lines.customerIds.length;
  const m = lines.customer.length;
  const tables = options.tables ?? [];
  const t = tables.length;
  const regions = lines.region.names.length;
  const cells = (lines.channel.names.length + 1) * (regions + 1);
  const grossSales = new Float64Array(n);
  const discounts = new Float64Array(n);
  const returnsAllowances = new Float64Array(n);
  const cogs = new Float64Array(n);
  const drivers = new Float64Array(n * DRIVER_COUNT);
  const tableCost = new Float64Array(n * t);
  const tableUse = new Float64Array(t * cells);
  const tableDriver = Int32Array.from(tables, (x) => x.driver);
  const orderSeen = new Uint8Array(lines.orders);
  const deliverySeen = new Uint8Array(lines.deliveries);
  const deliveryDistance = new Float64Array(lines.deliveries).fill(Number.NaN);
  const deliveryLine = new Int32Array(lines.deliveries);
  const productCost = options.productCost;
  const categoryMargin = options.categoryMargin;
  const dq = new Float64Array(DRIVER_COUNT);
  const { customer, order, delivery, quantity, unitPrice, unitCost, discount, distance, weightKg, time } =
    lines;
  const channel = lines.channel.codes;
  const region = lines.region.codes;
  const product = lines.product.codes;
  const category = lines.category.codes;
  let linesWithoutCost = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const ORDER = DRIVER_INDEX.order;
  const LINE = DRIVER_INDEX.order_line;
  const UNIT = DRIVER_INDEX.unit;
  const KG = DRIVER_INDEX.kg;
  const DELIVERY = DRIVER_INDEX.delivery;
  const DISTANCE = DRIVER_INDEX.distance;
  const RLINE = DRIVER_INDEX.returned_line;
  const RUNIT = DRIVER_INDEX.returned_unit;

  for (let i = 0; i < m; i++) {
    const c = customer[i]!;
    const q = quantity[i]!;
    const p = unitPrice[i]!;
    const d = discount[i]!;
    const ti = time[i]!;
    if (ti < first) first = ti;
    if (ti > last) last = ti;
    dq.fill(0);
    let net: number;
    if (q >= 0) {
      net = q * p - d;
      grossSales[c]! += q * p;
      discounts[c]! += d;
      const o = order[i]!;
      if (orderSeen[o] === 0) {
        orderSeen[o] = 1;
        dq[ORDER] = 1;
      }
      const del = delivery[i]!;
      if (deliverySeen[del] === 0) {
        deliverySeen[del] = 1;
        dq[DELIVERY] = 1;
      }
      const dist = distance[i]!;
      if (!Number.isNaN(dist)) {
        const known = deliveryDistance[del]!;
        if (Number.isNaN(known)) {
          deliveryDistance[del] = dist;
          deliveryLine[del] = i;
          dq[DISTANCE] = dist;
        } else if (Math.abs(known - dist) > 1e-9 * Math.max(1, known)) {
          throw new CoreInputError(
            `order line ${i}: distance ${dist} differs from ${known} given for the same delivery on order line ${deliveryLine[del]}; a delivery has one distance, repeated on its lines`,
            { row: i, field: "distance" },
          );
        }
      }
      dq[LINE] = 1;
      dq[UNIT] = q;
      dq[KG] = weightKg[i]!;
    } else {
      // A return: valued at its price; a discount on it is credit not given back.
      net = q * p + d;
      returnsAllowances[c]! += -q * p - d;
      dq[RLINE] = 1;
      dq[RUNIT] = -q;
    }
    const uc = unitCost[i]!;
    if (!Number.isNaN(uc)) cogs[c]! += q * uc;
    else {
      const pc = productCost !== undefined && product[i]! >= 0 ? productCost[product[i]!]! : Number.NaN;
      if (!Number.isNaN(pc)) cogs[c]! += q * pc;
      else {
        const mg =
          categoryMargin !== undefined && category[i]! >= 0 ? categoryMargin[category[i]!]! : Number.NaN;
        if (!Number.isNaN(mg)) cogs[c]! += net * (1 - mg / 100);
        else linesWithoutCost++;
      }
    }
    const row = c * DRIVER_COUNT;
    for (let k = 0; k < DRIVER_COUNT; k++) drivers[row + k]! += dq[k]!;
    if (t > 0) {
      const cell = (channel[i]! + 1) * (regions + 1) + region[i]! + 1;
      for (let j = 0; j < t; j++) {
        const qty = dq[tableDriver[j]!]!;
        if (qty !== 0) {
          tableCost[c * t + j]! += qty * tables[j]!.costPerUnit[cell]!;
          tableUse[j * cells + cell]! += qty;
        }
      }
    }
  }
  const spanDays = first <= last ? Math.floor(last / DAY_MS) - Math.floor(first / DAY_MS) + 1 : Number.NaN;
  return {
    customers: n,
    grossSales,
    discounts,
    returnsAllowances,
    cogs,
    drivers,
    tableCost,
    tableUse,
    cells,
    linesWithoutCost,
    spanDays,
  };
}
