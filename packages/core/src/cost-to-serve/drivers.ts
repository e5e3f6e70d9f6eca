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
  add(i: number, v: number): void {
    this.data[i]! += v;
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

/**
 * The order lines summed per customer, channel and region: everything the cost engine needs from
 * them. Built from lines by `cellTotals` (a file) or by one SQL aggregate (a workspace), so both
 * paths price the same numbers. One row per (customer, channel, region) that has lines; `channel`
 * and `region` index `channels` and `regions`, -1 where the lines have none.
 */
export interface CostCells {
  readonly customerIds: ReadonlyArray<string>;
  readonly channels: ReadonlyArray<string>;
  readonly regions: ReadonlyArray<string>;
  readonly customer: Int32Array;
  readonly channel: Int32Array;
  readonly region: Int32Array;
  readonly grossSales: Float64Array;
  readonly discounts: Float64Array;
  readonly returnsAllowances: Float64Array;
  readonly cogs: Float64Array;
  /** Driver quantities, rows x LINE_DRIVERS (row-major). */
  readonly drivers: Float64Array;
  /** Lines with no unit cost, no product cost and no category margin: no cost of goods. */
  readonly linesWithoutCost: number;
  /** Days covered by the order dates (first to last, both counted); NaN without dates. */
  readonly spanDays: number;
}

/** One row of CostCells as a record (a database row); channel and region undefined when none. */
export interface CostCellRecord {
  readonly customerId: string;
  readonly channel?: string | undefined;
  readonly region?: string | undefined;
  readonly grossSales: number;
  readonly discounts: number;
  readonly returnsAllowances: number;
  readonly cogs: number;
  readonly drivers: Readonly<Record<LineDriver, number>>;
}

/** The days from the first to the last of two epoch-millisecond times, both counted (NaN: none). */
export function spanDaysOf(first: number, last: number): number {
  return first <= last ? Math.floor(last / DAY_MS) - Math.floor(first / DAY_MS) + 1 : Number.NaN;
}

/** CostCells from records; rows of the same customer, channel and region add up. */
export function costCellsFromRecords(
  records: Iterable<CostCellRecord>,
  totals: { linesWithoutCost: number; spanDays: number },
): CostCells {
  const customers = new Interner();
  const channels = new Interner();
  const regions = new Interner();
  const keys = new Map<string, number>();
  const cols = { customer: ints(), channel: ints(), region: ints() };
  const money = { grossSales: floats(), discounts: floats(), returnsAllowances: floats(), cogs: floats() };
  const drivers = floats();
  for (const r of records) {
    const c = customers.code(r.customerId);
    const ch = channels.optional(r.channel);
    const rg = regions.optional(r.region);
    const key = `${c}|${ch}|${rg}`;
    let row = keys.get(key);
    if (row === undefined) {
      row = cols.customer.length;
      keys.set(key, row);
      cols.customer.push(c);
      cols.channel.push(ch);
      cols.region.push(rg);
      for (const m of Object.values(money)) m.push(0);
      for (let k = 0; k < DRIVER_COUNT; k++) drivers.push(0);
    }
    money.grossSales.add(row, r.grossSales);
    money.discounts.add(row, r.discounts);
    money.returnsAllowances.add(row, r.returnsAllowances);
    money.cogs.add(row, r.cogs);
    LINE_DRIVERS.forEach((d, k) => {
      drivers.add(row * DRIVER_COUNT + k, r.drivers[d]);
    });
  }
  return {
    customerIds: customers.names,
    channels: channels.names,
    regions: regions.names,
    customer: cols.customer.finish(),
    channel: cols.channel.finish(),
    region: cols.region.finish(),
    grossSales: money.grossSales.finish(),
    discounts: money.discounts.finish(),
    returnsAllowances: money.returnsAllowances.finish(),
    cogs: money.cogs.finish(),
    drivers: drivers.finish(),
    linesWithoutCost: totals.linesWithoutCost,
    spanDays: totals.spanDays,
  };
}

/**
 * One pass over the order lines, summed per customer, channel and region: money (gross sales,
 * discounts, returns and allowances, cost of goods) and driver quantities.
 *
 * A sales line (quantity >= 0) is counted in its own channel and region. An order and a delivery
 * (drop) are counted once, in the channel and region of their first sales line (file order, or
 * line id in a workspace); so is a drop's distance, which every sales line of the drop that gives
 * one must repeat. A return line (quantity < 0) is valued at its price: |quantity| x price -
 * discount goes to returns and allowances, and its cost of goods (a negative amount) is taken off.
 */
export function cellTotals(
  lines: CostLines,
  options: {
    /** Unit cost per product code (NaN: none). */
    productCost?: Float64Array;
    /** Margin % of net sales per category code (NaN: none). */
    categoryMargin?: Float64Array;
  } = {},
): CostCells {
  const m = lines.customer.length;
  const regions = lines.region.names.length;
  const cells = (lines.channel.names.length + 1) * (regions + 1);
  const rowOf = new Map<number, number>();
  const rowCustomer = ints();
  const rowCell = ints();
  const money = { grossSales: floats(), discounts: floats(), returnsAllowances: floats(), cogs: floats() };
  const drivers = floats();
  const orderSeen = new Uint8Array(lines.orders);
  const deliveryRow = new Int32Array(lines.deliveries).fill(-1);
  const deliveryDistance = new Float64Array(lines.deliveries).fill(Number.NaN);
  const deliveryLine = new Int32Array(lines.deliveries);
  const { productCost, categoryMargin } = options;
  const { customer, order, delivery, quantity, unitPrice, unitCost, discount, distance, weightKg, time } =
    lines;
  const channel = lines.channel.codes;
  const region = lines.region.codes;
  const product = lines.product.codes;
  const category = lines.category.codes;
  let linesWithoutCost = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const D = DRIVER_COUNT;
  const { order: ORDER, order_line: LINE, unit: UNIT, kg: KG } = DRIVER_INDEX;
  const { delivery: DELIVERY, distance: DISTANCE, returned_line: RLINE, returned_unit: RUNIT } = DRIVER_INDEX;

  for (let i = 0; i < m; i++) {
    const c = customer[i]!;
    const key = c * cells + cellOf(channel[i]!, region[i]!, regions);
    let row = rowOf.get(key);
    if (row === undefined) {
      row = rowCustomer.length;
      rowOf.set(key, row);
      rowCustomer.push(c);
      rowCell.push(key - c * cells);
      for (const col of Object.values(money)) col.push(0);
      for (let k = 0; k < D; k++) drivers.push(0);
    }
    const q = quantity[i]!;
    const p = unitPrice[i]!;
    const d = discount[i]!;
    const ti = time[i]!;
    if (ti < first) first = ti;
    if (ti > last) last = ti;
    let net: number;
    if (q >= 0) {
      net = q * p - d;
      money.grossSales.add(row, q * p);
      money.discounts.add(row, d);
      const o = order[i]!;
      if (orderSeen[o] === 0) {
        orderSeen[o] = 1;
        drivers.add(row * D + ORDER, 1);
      }
      const del = delivery[i]!;
      if (deliveryRow[del] === -1) {
        deliveryRow[del] = row;
        drivers.add(row * D + DELIVERY, 1);
      }
      const dist = distance[i]!;
      if (!Number.isNaN(dist)) {
        const known = deliveryDistance[del]!;
        if (Number.isNaN(known)) {
          deliveryDistance[del] = dist;
          deliveryLine[del] = i;
          drivers.add(deliveryRow[del]! * D + DISTANCE, dist);
        } else if (Math.abs(known - dist) > 1e-9 * Math.max(1, known)) {
          throw new CoreInputError(
            `order line ${i}: distance ${dist} differs from ${known} given for the same delivery on order line ${deliveryLine[del]}; a delivery has one distance, repeated on its lines`,
            { row: i, field: "distance" },
          );
        }
      }
      drivers.add(row * D + LINE, 1);
      drivers.add(row * D + UNIT, q);
      drivers.add(row * D + KG, weightKg[i]!);
    } else {
      // A return: valued at its price; a discount on it is credit not given back.
      net = q * p + d;
      money.returnsAllowances.add(row, -q * p - d);
      drivers.add(row * D + RLINE, 1);
      drivers.add(row * D + RUNIT, -q);
    }
    const uc = unitCost[i]!;
    if (!Number.isNaN(uc)) money.cogs.add(row, q * uc);
    else {
      const pc = productCost !== undefined && product[i]! >= 0 ? productCost[product[i]!]! : Number.NaN;
      if (!Number.isNaN(pc)) money.cogs.add(row, q * pc);
      else {
        const mg =
          categoryMargin !== undefined && category[i]! >= 0 ? categoryMargin[category[i]!]! : Number.NaN;
        if (!Number.isNaN(mg)) money.cogs.add(row, net * (1 - mg / 100));
        else linesWithoutCost++;
      }
    }
  }
  const cell = rowCell.finish();
  return {
    customerIds: lines.customerIds,
    channels: lines.channel.names,
    regions: lines.region.names,
    customer: rowCustomer.finish(),
    channel: cell.map((x) => Math.floor(x / (regions + 1)) - 1),
    region: cell.map((x) => (x % (regions + 1)) - 1),
    grossSales: money.grossSales.finish(),
    discounts: money.discounts.finish(),
    returnsAllowances: money.returnsAllowances.finish(),
    cogs: money.cogs.finish(),
    drivers: drivers.finish(),
    linesWithoutCost,
    spanDays: spanDaysOf(first, last),
  };
}

/** What the cells give per customer (index = customer code), with the rate tables applied. */
export interface CustomerScan {
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
}

/** The rate-table cell of a line's channel and region codes (-1 = missing). */
export function cellOf(channel: number, region: number, regions: number): number {
  return (channel + 1) * (regions + 1) + region + 1;
}

/**
 * Sums the cells per customer and prices every activity whose rate varies by channel or region
 * (rate tables indexed by `cellOf` over the cells' channels and regions).
 */
export function scanCells(cells: CostCells, tables: ReadonlyArray<LineRateTable> = []): CustomerScan {
  const n = cells.customerIds.length;
  const rows = cells.customer.length;
  const t = tables.length;
  const regions = cells.regions.length;
  const cellCount = (cells.channels.length + 1) * (regions + 1);
  const grossSales = new Float64Array(n);
  const discounts = new Float64Array(n);
  const returnsAllowances = new Float64Array(n);
  const cogs = new Float64Array(n);
  const drivers = new Float64Array(n * DRIVER_COUNT);
  const tableCost = new Float64Array(n * t);
  const tableUse = new Float64Array(t * cellCount);
  for (let r = 0; r < rows; r++) {
    const c = cells.customer[r]!;
    grossSales[c]! += cells.grossSales[r]!;
    discounts[c]! += cells.discounts[r]!;
    returnsAllowances[c]! += cells.returnsAllowances[r]!;
    cogs[c]! += cells.cogs[r]!;
    for (let k = 0; k < DRIVER_COUNT; k++)
      drivers[c * DRIVER_COUNT + k]! += cells.drivers[r * DRIVER_COUNT + k]!;
    if (t === 0) continue;
    const cell = cellOf(cells.channel[r]!, cells.region[r]!, regions);
    for (let j = 0; j < t; j++) {
      const qty = cells.drivers[r * DRIVER_COUNT + tables[j]!.driver]!;
      if (qty !== 0) {
        tableCost[c * t + j]! += qty * tables[j]!.costPerUnit[cell]!;
        tableUse[j * cellCount + cell]! += qty;
      }
    }
  }
  return {
    customers: n,
    grossSales,
    discounts,
    returnsAllowances,
    cogs,
    drivers,
    tableCost,
    tableUse,
    cells: cellCount,
  };
}
