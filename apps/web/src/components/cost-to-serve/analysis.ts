/**
 * Plain functions behind the cost-to-serve screens (no React): the waterfall's steps, the whale
 * curve's sentence, the value vs cost-to-serve quadrants, and where an updateModel error belongs.
 * The shapes mirror `costToServe.latest` and `costToServe.customers` (docs/cost-to-serve.md).
 */

export interface Figures {
  gross_sales: number;
  discounts: number;
  returns_allowances: number;
  net_sales: number;
  cogs: number;
  gross_margin: number;
  cost_to_serve: number;
  net_profit: number;
}

export interface SegmentFigures extends Figures {
  segment: string;
  customers: number;
  activities: Record<string, number>;
  margin_pct: number | null;
  cts_pct_of_sales: number | null;
}

export interface WhalePoint {
  customers_pct: number;
  cumulative_profit_pct: number | null;
}

export interface CostResult {
  currency: string;
  totals: Figures;
  segments: SegmentFigures[];
  unusedCapacity: Array<{ activity: string; cost: number }>;
  whale: WhalePoint[];
  whalePeak: { customers_pct: number; cumulative_profit_pct: number | null } | null;
  lossMakers: { customers: number; net_profit: number };
  linesWithoutCost: number;
}

const MONEY = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const MONEY_CENTS = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Money as people read a P&L: whole units with grouping (cents under 100), the currency after. */
export function formatMoney(value: number | null | undefined, currency?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const rounded = Math.abs(value) < 0.005 ? 0 : value;
  const text = Math.abs(rounded) < 100 ? MONEY_CENTS.format(rounded) : MONEY.format(rounded);
  return currency ? `${text} ${currency}` : text;
}

/** A percentage already in percent units (12.5 -> "12.5%"). */
export function formatPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const rounded = Math.round(value * 10 ** digits) / 10 ** digits;
  return `${(rounded === 0 ? 0 : rounded).toLocaleString("en-GB", { maximumFractionDigits: digits })}%`;
}

/** Activity names in the order of the model (the first segment's), then any others found. */
export function activityNames(rows: ReadonlyArray<{ activities: Record<string, number> }>): string[] {
  const names: string[] = [];
  for (const row of rows)
    for (const name of Object.keys(row.activities)) if (!names.includes(name)) names.push(name);
  return names;
}

export interface WaterfallStep {
  name: string;
  /** [low, high] of the bar: Recharts draws an array value as a floating (range) bar. */
  range: [number, number];
  /** Signed change (a cost is negative); the totals carry their value. */
  value: number;
  kind: "total" | "cost" | "gain";
}

/**
 * Net sales, minus cost of goods, minus each activity, down to net profit: each cost is a bar
 * floating from the running total to the running total less the cost. A negative "cost" (a
 * credit) rises instead. Activities costing 0 are left out unless `keepZero`.
 */
export function waterfallSteps(
  figures: Figures & { activities: Record<string, number> },
  options: { keepZero?: boolean } = {},
): WaterfallStep[] {
  const steps: WaterfallStep[] = [
    { name: "Net sales", range: span(0, figures.net_sales), value: figures.net_sales, kind: "total" },
  ];
  let running = figures.net_sales;
  const push = (name: string, cost: number) => {
    if (cost === 0 && !options.keepZero) return;
    const next = running - cost;
    steps.push({ name, range: span(running, next), value: -cost, kind: cost >= 0 ? "cost" : "gain" });
    running = next;
  };
  push("COGS", figures.cogs);
  for (const [name, cost] of Object.entries(figures.activities)) push(name, cost);
  steps.push({
    name: "Net profit",
    range: span(0, figures.net_profit),
    value: figures.net_profit,
    kind: "total",
  });
  return steps;
}

function span(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/**
 * The whale curve in one sentence: "The most profitable 20% of customers earn 150% of profit; the
 * remaining customers lose 5,000 EUR." What the rest lose is the peak's profit less the total
 * (peak % - 100%) x total net profit. Null when the curve has no peak (total profit 0 or less).
 */
export function whaleSentence(result: Pick<CostResult, "whalePeak" | "totals" | "currency">): string | null {
  const peak = result.whalePeak;
  const total = result.totals.net_profit;
  if (!peak || peak.cumulative_profit_pct === null || total <= 0) return null;
  const lost = ((peak.cumulative_profit_pct - 100) / 100) * total;
  const head = `The most profitable ${formatPct(peak.customers_pct)} of customers earn ${formatPct(peak.cumulative_profit_pct)} of profit`;
  if (peak.customers_pct >= 100 || lost < 0.005) return `${head}; no customer loses money.`;
  return `${head}; the remaining customers lose ${formatMoney(lost, result.currency)}.`;
}

export type Quadrant = "protect" | "grow" | "fix" | "rethink";

export const QUADRANT_LABELS: Record<Quadrant, { title: string; hint: string }> = {
  protect: { title: "Protect", hint: "High value, cheap to serve: keep them happy." },
  grow: { title: "Grow", hint: "Cheap to serve but small: sell them more." },
  fix: { title: "Fix the cost to serve", hint: "Valuable but costly to serve: change how they are served." },
  rethink: { title: "Rethink", hint: "Small and costly to serve: change the terms or the service." },
};

export type ValueAxis = "net_sales" | "margin_pct";

export interface MatrixThresholds {
  /** Net sales of an average segment (total / segments), or the overall margin %. */
  x: number;
  /** Cost-to-serve % of sales of everyone together. */
  y: number;
}

/**
 * Where the lines of the value vs cost-to-serve matrix sit: a segment is "high value" above the
 * average segment's net sales (or above the overall margin %), "costly to serve" above the
 * cost-to-serve % of sales of all customers together.
 */
export function matrixThresholds(
  result: Pick<CostResult, "totals" | "segments">,
  axis: ValueAxis,
): MatrixThresholds {
  const { totals, segments } = result;
  const pct = (a: number) => (totals.net_sales === 0 ? 0 : (a / totals.net_sales) * 100);
  return {
    x: axis === "net_sales" ? totals.net_sales / Math.max(1, segments.length) : pct(totals.net_profit),
    y: pct(totals.cost_to_serve),
  };
}

export function quadrantOf(x: number, y: number, t: MatrixThresholds): Quadrant {
  const isHighValue = x >= t.x;
  const isCostly = y > t.y;
  if (isHighValue) return isCostly ? "fix" : "protect";
  return isCostly ? "rethink" : "grow";
}

/**
 * Where an updateModel error belongs: the api names the field as `activities[2].rate` (in its
 * fieldErrors keys, possibly under `model.`, or at the start of the message). Returns
 * `{"activities[2].rate": message}`; a message naming no field is kept under "".
 */
export function modelFieldErrors(error: {
  message: string;
  fieldErrors: Record<string, string>;
}): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (key: string, message: string) => {
    const named = FIELD_IN_MESSAGE.exec(message);
    const path = (key === "" || key === "model") && named?.[1] ? named[1] : key;
    const field = path.replace(/^model\./, "");
    // The message without the path it starts with: it is shown beside that field.
    const text =
      named?.[1] && named[1].replace(/^model\./, "") === field ? message.slice(named[0].length) : message;
    out[field] ??= text;
  };
  for (const [key, message] of Object.entries(error.fieldErrors)) add(key, message);
  if (FIELD_IN_MESSAGE.test(error.message)) add("", error.message);
  if (Object.keys(out).length === 0) out[""] = error.message;
  return out;
}

/** `activities[2].rate: must not be negative` (optionally after `model.json: ` or `model.`). */
const FIELD_IN_MESSAGE = /^(?:model\.json: )?((?:model\.)?[A-Za-z_]+(?:\[\d+\])?(?:\.[^\s:]+)*): /;

/** The errors of one activity row, by its field (`rate`, `by.channel`, "" for the row itself). */
export function rowErrors(errors: Record<string, string>, index: number): Record<string, string> {
  const prefix = `activities[${index}]`;
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix) out[""] = message;
    else if (path.startsWith(`${prefix}.`)) {
      const field = path.slice(prefix.length + 1);
      // `by.channel.web` is shown beside the channel rates.
      out[field.split(".").slice(0, 2).join(".")] ??= message;
      out[field] ??= message;
    }
  }
  return out;
}
