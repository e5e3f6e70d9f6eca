import { CoreInputError } from "../errors.js";
import {
  type CostCells,
  type CostLines,
  type CustomerScan,
  cellOf,
  cellTotals,
  DRIVER_COUNT,
  DRIVER_INDEX,
  type LineRateTable,
  scanCells,
} from "./drivers.js";
import { type CostActivity, type CostModel, type LineDriver, PAYMENT_TERMS_ACTIVITY } from "./model.js";

/** A counted event for one customer (a row of activities.csv). Rows of the same pair add up. */
export interface CustomerEvent {
  readonly customerId: string;
  readonly activity: string;
  readonly quantity: number;
}

export interface CostToServeOptions {
  /** Counted events per customer, and `payment_terms_days` for financing. */
  readonly events?: ReadonlyArray<CustomerEvent>;
  /** Segment per customer id; customers without one are in "Unassigned". */
  readonly memberships?: ReadonlyMap<string, string>;
  /** Unit cost per product, for lines without a unit cost. */
  readonly productCosts?: ReadonlyMap<string, number>;
  /** Length of the period in days, for `customer_year`; default: the order dates' span. */
  readonly periodDays?: number;
}

/** Money of one customer, one segment or everyone; rounded to cents, percentages to 0.01. */
export interface ProfitAndLoss {
  gross_sales: number;
  discounts: number;
  returns_allowances: number;
  net_sales: number;
  cogs: number;
  gross_margin: number;
  activities: Record<string, number>;
  cost_to_serve: number;
  net_profit: number;
  /** Net profit as % of net sales; null when net sales are 0. */
  margin_pct: number | null;
  /** Cost-to-serve as % of net sales; null when net sales are 0. */
  cts_pct_of_sales: number | null;
}

export interface CustomerCostToServe extends ProfitAndLoss {
  customer_id: string;
  /** Present when memberships were given. */
  segment?: string;
  /** Quantity of each driver the model uses (`unit`, `event:sales visit`, `customer_year`, ...). */
  drivers: Record<string, number>;
}

export interface SegmentCostToServe extends ProfitAndLoss {
  segment: string;
  customers: number;
}

/** A time-driven pool: what its capacity cost, what was used and what was not (never charged). */
export interface UnusedCapacity {
  pool: string;
  activities: string[];
  cost: number;
  capacity_minutes: number;
  used_minutes: number;
  unused_minutes: number;
  cost_per_minute: number;
  /** Cost assigned to customers: used minutes x cost per minute. */
  assigned_cost: number;
  /** Capacity cost of the unused minutes; negative when the pool was used beyond capacity. */
  unused_cost: number;
  used_pct: number;
}

/**
 * One point of the whale curve per customer, most to least profitable: after `rank` customers
 * (`customers_pct` of them) the cumulative net profit is `cumulative_profit`, which is
 * `cumulative_profit_pct` of the total net profit (null when the total is 0 or less).
 */
export interface WhalePoint {
  rank: number;
  customer_id: string;
  net_profit: number;
  customers_pct: number;
  cumulative_profit: number;
  cumulative_profit_pct: number | null;
}

export interface CostToServeResult {
  currency: string;
  customers: CustomerCostToServe[];
  segments: SegmentCostToServe[];
  unused_capacity: UnusedCapacity[];
  whale: WhalePoint[];
  totals: ProfitAndLoss & { customers: number };
  lines_without_cost: number;
}

const cents = (x: number): number => {
  const r = Math.round(Math.abs(x) * 100 + 1e-7) / 100;
  return r === 0 ? 0 : Math.sign(x) * r;
};
const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : cents((part / whole) * 100);
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4 || 0;

function eventFail(row: number, field: string, message: string): never {
  throw new CoreInputError(`events[${row}].${field}: ${message}`, { row, field });
}

/** The rate (or minutes) of an activity at a line's channel and region. */
function overridden(
  activity: CostActivity,
  base: number,
  channel: string | undefined,
  region: string | undefined,
) {
  const by = activity.by;
  if (!by) return base;
  if (channel !== undefined && region !== undefined) {
    const v = by.channelRegion?.get(`${channel}|${region}`);
    if (v !== undefined) return v;
  }
  if (channel !== undefined) {
    const v = by.channel?.get(channel);
    if (v !== undefined) return v;
  }
  if (region !== undefined) {
    const v = by.region?.get(region);
    if (v !== undefined) return v;
  }
  return base;
}

/**
 * Activity-based customer profitability (cost-to-serve). Per customer: gross sales − discounts −
 * returns and allowances = net sales; − cost of goods = gross margin; − the cost of every
 * activity (rate x driver quantity, or for a time-driven activity pool / capacity x minutes per
 * driver x driver quantity, after Kaplan & Anderson) = net profit. The capacity a time-driven
 * pool did not use is reported in `unused_capacity` and never charged to customers. Financing
 * of payment terms costs annual rate x days x net sales / 365 (0 when net sales are negative).
 *
 * Cost of goods of a line: its unit cost, else its product's unit cost, else its category's
 * margin % applied to its net value, else nothing (counted in `lines_without_cost`).
 * Money is summed unrounded and rounded to cents only in the result; a segment is the rounded
 * sum of its customers' unrounded figures, so it can differ by a cent from the rounded ones.
 * Bad events (unknown customer or activity, negative quantity) throw before anything is returned.
 */
export function computeCostToServe(
  lines: CostLines,
  model: CostModel,
  options: CostToServeOptions = {},
): CostToServeResult {
  const productCost = options.productCosts
    ? Float64Array.from(lines.product.names, (p) => options.productCosts!.get(p) ?? Number.NaN)
    : undefined;
  const categoryMargin = model.categoryMarginPct
    ? Float64Array.from(lines.category.names, (k) => model.categoryMarginPct!.get(k) ?? Number.NaN)
    : undefined;
  const cells = cellTotals(lines, {
    ...(productCost ? { productCost } : {}),
    ...(categoryMargin ? { categoryMargin } : {}),
  });
  return costToServeOfCells(cells, model, options);
}

/**
 * computeCostToServe from the lines already summed per customer, channel and region (see
 * `cellTotals`; a workspace sums them in SQL). `productCosts` is not read here: cost of goods is in
 * the cells.
 */
export function costToServeOfCells(
  cells: CostCells,
  model: CostModel,
  options: CostToServeOptions = {},
): CostToServeResult {
  const n = cells.customerIds.length;
  const activities = model.activities;
  const a = activities.length;
  const pools = new Map(model.pools.map((p) => [p.name, p]));
  const perMinute = (act: CostActivity): number => {
    const pool = pools.get(act.time!.pool)!;
    return pool.cost / pool.capacityMinutes;
  };
  /** Money per driver unit, or minutes per unit for a time-driven one. */
  const baseOf = (act: CostActivity): number => act.rate ?? act.time!.minutesPerDriver;
  const moneyOf = (act: CostActivity, base: number): number => (act.time ? base * perMinute(act) : base);

  // Events first: a bad activities file fails before any work is done.
  const customerCode = new Map<string, number>();
  cells.customerIds.forEach((id, i) => {
    customerCode.set(id, i);
  });
  const eventNames = new Set(activities.filter((x) => x.kind === "event").map((x) => x.event!));
  const eventCounts = new Map<string, Float64Array>();
  for (const e of eventNames) eventCounts.set(e, new Float64Array(n));
  const financing = model.financing;
  const termsDays = financing ? new Float64Array(n).fill(Number.NaN) : undefined;
  (options.events ?? []).forEach((e, row) => {
    const c = customerCode.get(e.customerId.trim());
    if (c === undefined)
      eventFail(row, "customer_id", `${JSON.stringify(e.customerId)} has no order lines in the orders file`);
    const activity = e.activity.trim();
    if (!Number.isFinite(e.quantity) || e.quantity < 0)
      eventFail(row, "quantity", `must be a number of at least 0, got ${e.quantity}`);
    if (activity === PAYMENT_TERMS_ACTIVITY) {
      if (!termsDays)
        eventFail(row, "activity", `${PAYMENT_TERMS_ACTIVITY} needs "financing" in the cost model`);
      if (!Number.isNaN(termsDays[c]!))
        eventFail(
          row,
          "activity",
          `${PAYMENT_TERMS_ACTIVITY} given twice for customer ${JSON.stringify(e.customerId)}`,
        );
      termsDays[c] = e.quantity;
      return;
    }
    const counts = eventCounts.get(activity);
    if (!counts) {
      const known = [...eventNames, ...(financing ? [PAYMENT_TERMS_ACTIVITY] : [])];
      eventFail(
        row,
        "activity",
        `no activity of the cost model has the driver "event:${activity}" (known: ${known.join(", ") || "none"})`,
      );
    }
    counts[c]! += e.quantity;
  });

  // Rate tables for activities whose rate varies by channel or region.
  const channels = cells.channels;
  const regions = cells.regions;
  const tables: LineRateTable[] = [];
  const minuteTables: Float64Array[] = [];
  const tableOf = new Int32Array(a).fill(-1);
  activities.forEach((act, j) => {
    if (!act.by) return;
    const cells = (channels.length + 1) * (regions.length + 1);
    const cost = new Float64Array(cells);
    const minutes = new Float64Array(cells);
    for (let ch = -1; ch < channels.length; ch++)
      for (let rg = -1; rg < regions.length; rg++) {
        const base = overridden(act, baseOf(act), channels[ch], regions[rg]);
        const cell = cellOf(ch, rg, regions.length);
        cost[cell] = moneyOf(act, base);
        minutes[cell] = act.time ? base : 0;
      }
    tableOf[j] = tables.length;
    tables.push({ driver: DRIVER_INDEX[act.kind as LineDriver], costPerUnit: cost });
    minuteTables.push(minutes);
  });

  let years = Number.NaN;
  if (activities.some((x) => x.kind === "customer_year")) {
    if (options.periodDays !== undefined) {
      if (!(options.periodDays > 0))
        throw new CoreInputError(`periodDays must be greater than 0, got ${options.periodDays}`, {
          field: "periodDays",
        });
      years = options.periodDays / 365;
    }
  }
  const scan: CustomerScan = scanCells(cells, tables);
  if (Number.isNaN(years) && activities.some((x) => x.kind === "customer_year")) {
    if (Number.isNaN(cells.spanDays)) {
      const j = activities.findIndex((x) => x.kind === "customer_year");
      throw new CoreInputError(
        `activities[${j}].driver: customer_year needs order dates (ordered_at) or the period's length in days`,
        { field: `activities[${j}].driver` },
      );
    }
    years = cells.spanDays / 365;
  }

  // Activity cost and driver quantity per customer, and minutes used per activity.
  const cost = new Float64Array(n * a);
  const quantityOf = (j: number, c: number): number => {
    const act = activities[j]!;
    if (act.kind === "customer_year") return years;
    if (act.kind === "event") return eventCounts.get(act.event!)![c]!;
    return scan.drivers[c * DRIVER_COUNT + DRIVER_INDEX[act.kind]]!;
  };
  const usedMinutes = new Float64Array(a);
  const t = tables.length;
  for (let j = 0; j < a; j++) {
    const act = activities[j]!;
    const table = tableOf[j]!;
    if (table >= 0) {
      for (let c = 0; c < n; c++) cost[c * a + j] = scan.tableCost[c * t + table]!;
      if (act.time) {
        const minutes = minuteTables[table]!;
        for (let cell = 0; cell < scan.cells; cell++)
          usedMinutes[j]! += scan.tableUse[table * scan.cells + cell]! * minutes[cell]!;
      }
      continue;
    }
    const unitCost = moneyOf(act, baseOf(act));
    let driverTotal = 0;
    for (let c = 0; c < n; c++) {
      const q = quantityOf(j, c);
      cost[c * a + j] = q * unitCost;
      driverTotal += q;
    }
    if (act.time) usedMinutes[j] = driverTotal * act.time.minutesPerDriver;
  }

  // Per-customer money, unrounded.
  const netSales = new Float64Array(n);
  const cts = new Float64Array(n);
  const financingCost = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    netSales[c] = scan.grossSales[c]! - scan.discounts[c]! - scan.returnsAllowances[c]!;
    let sum = 0;
    for (let j = 0; j < a; j++) sum += cost[c * a + j]!;
    if (financing) {
      const days = !Number.isNaN(termsDays![c]!) ? termsDays![c]! : financing.defaultDays;
      financingCost[c] = (financing.annualRate * days * Math.max(0, netSales[c]!)) / 365;
      sum += financingCost[c]!;
    }
    cts[c] = sum;
  }
  const names = activities.map((x) => x.name);
  const pnl = (c: number) => ({
    gross: scan.grossSales[c]!,
    discounts: scan.discounts[c]!,
    returns: scan.returnsAllowances[c]!,
    cogs: scan.cogs[c]!,
  });
  const emptySum = () => ({
    gross: 0,
    discounts: 0,
    returns: 0,
    cogs: 0,
    cts: 0,
    activities: new Float64Array(a + 1),
    customers: 0,
  });
  type Sum = ReturnType<typeof emptySum>;
  const format = (s: Omit<Sum, "customers">): ProfitAndLoss => {
    const net = s.gross - s.discounts - s.returns;
    const margin = net - s.cogs;
    const byActivity: Record<string, number> = {};
    names.forEach((name, j) => {
      byActivity[name] = cents(s.activities[j]!);
    });
    if (financing) byActivity[financing.name] = cents(s.activities[a]!);
    return {
      gross_sales: cents(s.gross),
      discounts: cents(s.discounts),
      returns_allowances: cents(s.returns),
      net_sales: cents(net),
      cogs: cents(s.cogs),
      gross_margin: cents(margin),
      activities: byActivity,
      cost_to_serve: cents(s.cts),
      net_profit: cents(margin - s.cts),
      margin_pct: pct(margin - s.cts, net),
      cts_pct_of_sales: pct(s.cts, net),
    };
  };

  const driverNames: Array<[string, number]> = [];
  activities.forEach((act, j) => {
    if (!driverNames.some(([d]) => d === act.driver)) driverNames.push([act.driver, j]);
  });
  const memberships = options.memberships;
  const segmentSums = new Map<string, Sum>();
  const totals = emptySum();
  const customers: CustomerCostToServe[] = new Array(n);
  const customerSum = emptySum();
  for (let c = 0; c < n; c++) {
    const p = pnl(c);
    customerSum.gross = p.gross;
    customerSum.discounts = p.discounts;
    customerSum.returns = p.returns;
    customerSum.cogs = p.cogs;
    customerSum.cts = cts[c]!;
    for (let j = 0; j < a; j++) customerSum.activities[j] = cost[c * a + j]!;
    customerSum.activities[a] = financingCost[c]!;
    const id = cells.customerIds[c]!;
    const drivers: Record<string, number> = {};
    for (const [driver, j] of driverNames) drivers[driver] = round4(quantityOf(j, c));
    if (financing)
      drivers[PAYMENT_TERMS_ACTIVITY] = !Number.isNaN(termsDays![c]!)
        ? termsDays![c]!
        : financing.defaultDays;
    const segment = memberships ? (memberships.get(id) ?? "Unassigned") : undefined;
    customers[c] = {
      customer_id: id,
      ...(segment !== undefined ? { segment } : {}),
      ...format(customerSum),
      drivers,
    };
    const targets = [totals];
    if (segment !== undefined) {
      let s = segmentSums.get(segment);
      if (!s) {
        s = emptySum();
        segmentSums.set(segment, s);
      }
      targets.push(s);
    }
    for (const s of targets) {
      s.gross += p.gross;
      s.discounts += p.discounts;
      s.returns += p.returns;
      s.cogs += p.cogs;
      s.cts += cts[c]!;
      for (let j = 0; j <= a; j++) s.activities[j]! += customerSum.activities[j]!;
      s.customers++;
    }
  }
  const segments: SegmentCostToServe[] = [...segmentSums.entries()]
    .sort(([x], [y]) => (x === "Unassigned" ? 1 : y === "Unassigned" ? -1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([segment, s]) => ({ segment, customers: s.customers, ...format(s) }));

  // Unused capacity of every time-driven pool.
  const unused: UnusedCapacity[] = model.pools.map((pool) => {
    let used = 0;
    const members: string[] = [];
    activities.forEach((act, j) => {
      if (act.time?.pool !== pool.name) return;
      used += usedMinutes[j]!;
      members.push(act.name);
    });
    const rate = pool.cost / pool.capacityMinutes;
    return {
      pool: pool.name,
      activities: members,
      cost: cents(pool.cost),
      capacity_minutes: round4(pool.capacityMinutes),
      used_minutes: round4(used),
      unused_minutes: round4(pool.capacityMinutes - used),
      cost_per_minute: round4(rate),
      assigned_cost: cents(used * rate),
      unused_cost: cents(pool.cost - used * rate),
      used_pct: cents((used / pool.capacityMinutes) * 100),
    };
  });

  // Whale curve: customers ranked by unrounded net profit, ties in input order.
  const profit = new Float64Array(n);
  let totalProfit = 0;
  for (let c = 0; c < n; c++) {
    profit[c] = netSales[c]! - scan.cogs[c]! - cts[c]!;
    totalProfit += profit[c]!;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => profit[y]! - profit[x]! || x - y);
  const whale: WhalePoint[] = new Array(n);
  let cumulative = 0;
  for (let r = 0; r < n; r++) {
    const c = order[r]!;
    cumulative += profit[c]!;
    whale[r] = {
      rank: r + 1,
      customer_id: cells.customerIds[c]!,
      net_profit: cents(profit[c]!),
      customers_pct: cents(((r + 1) / n) * 100),
      cumulative_profit: cents(cumulative),
      cumulative_profit_pct: totalProfit > 0 ? cents((cumulative / totalProfit) * 100) : null,
    };
  }

  return {
    currency: model.currency,
    customers,
    segments,
    unused_capacity: unused,
    whale,
    totals: { customers: totals.customers, ...format(totals) },
    lines_without_cost: cells.linesWithoutCost,
  };
}
