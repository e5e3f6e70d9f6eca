/** What an evaluated scenario reports for a group of customers, before or after its changes. */
export interface ScenarioFigures {
  net_sales: number;
  gross_margin: number;
  cost_to_serve: number;
  activities: Record<string, number>;
  inventory_carrying_cost: number;
  safety_stock_units: number;
  net_profit: number;
}

export interface ScenarioSegment {
  segmentId: string | null;
  segment: string;
  customers: number;
  before: ScenarioFigures;
  after: ScenarioFigures;
}

export interface ScenarioResult {
  currency: string;
  holdingRate?: number;
  periodDays?: number;
  segments: ScenarioSegment[];
  totals: { before: ScenarioFigures; after: ScenarioFigures };
  notes?: string[];
  ms?: number;
}

export type MetricKey =
  | "net_sales"
  | "cost_to_serve"
  | "inventory_carrying_cost"
  | "safety_stock_units"
  | "net_profit";

/** The headline figures, in the order the page shows them; `isCost`: lower is better. */
export const METRICS: ReadonlyArray<{ key: MetricKey; label: string; isCost: boolean; isUnits?: boolean }> = [
  { key: "net_sales", label: "Net sales", isCost: false },
  { key: "cost_to_serve", label: "Cost-to-serve", isCost: true },
  { key: "inventory_carrying_cost", label: "Inventory carrying cost", isCost: true },
  { key: "safety_stock_units", label: "Safety stock (units)", isCost: true, isUnits: true },
  { key: "net_profit", label: "Net profit", isCost: false },
];

/** A stored result (jsonb) read defensively: null unless it has the shape the page draws. */
export function readScenarioResult(value: unknown): ScenarioResult | null {
  if (!value || typeof value !== "object") return null;
  const r = value as Partial<ScenarioResult>;
  if (typeof r.currency !== "string" || !Array.isArray(r.segments) || !r.totals?.before || !r.totals.after)
    return null;
  return r as ScenarioResult;
}

/** after − before, and the change as a % of before (null when before is 0). */
export function delta(before: number, after: number): { value: number; pct: number | null } {
  const value = after - before;
  return { value, pct: before === 0 ? null : (value / Math.abs(before)) * 100 };
}

/** good / bad / none: a falling cost is good, falling sales or profit bad; tiny moves are none. */
export function deltaTone(metric: { isCost: boolean }, value: number): "good" | "bad" | "none" {
  if (Math.abs(value) < 0.005) return "none";
  return value < 0 === metric.isCost ? "good" : "bad";
}

/**
 * Cost-to-serve by activity before and after, for one group of customers: every activity either
 * side has, in the order of the "before" figures, with the change; the biggest movers are easy to see.
 */
export function activityRows(
  before: ScenarioFigures,
  after: ScenarioFigures,
): Array<{ activity: string; before: number; after: number; delta: number }> {
  const names = [...Object.keys(before.activities)];
  for (const name of Object.keys(after.activities)) if (!names.includes(name)) names.push(name);
  return names.map((activity) => {
    const b = before.activities[activity] ?? 0;
    const a = after.activities[activity] ?? 0;
    return { activity, before: b, after: a, delta: a - b };
  });
}

/** The scenario's effect in a sentence: the saving on cost-to-serve and what it does to sales and profit. */
export function effectSentence(result: ScenarioResult, format: (v: number) => string): string {
  const { before, after } = result.totals;
  const cost = after.cost_to_serve - before.cost_to_serve;
  const sales = after.net_sales - before.net_sales;
  const profit = after.net_profit - before.net_profit;
  const costText =
    Math.abs(cost) < 0.005
      ? "Cost-to-serve does not change"
      : cost < 0
        ? `Cost-to-serve falls by ${format(-cost)}`
        : `Cost-to-serve rises by ${format(cost)}`;
  const salesText =
    Math.abs(sales) < 0.005
      ? "net sales stay the same"
      : `net sales ${sales < 0 ? "fall" : "rise"} by ${format(Math.abs(sales))}`;
  const profitText =
    Math.abs(profit) < 0.005
      ? "net profit stays the same"
      : `net profit ${profit < 0 ? "falls" : "rises"} by ${format(Math.abs(profit))}`;
  return `${costText}; ${salesText}; ${profitText}.`;
}
