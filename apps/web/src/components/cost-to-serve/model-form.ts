/**
 * The cost model editor's form state and its conversion to and from model.json
 * (docs/cost-to-serve.md). Numbers stay text while edited, so a half-typed value is never lost;
 * they become numbers on save, and the api's parser names any field that is still wrong.
 */

import type { CostModelActivityJson, CostModelJson } from "@strata/api";

export type { CostModelActivityJson, CostModelJson };

/** Every driver kind a model may name, with what one unit of it is. */
export const DRIVERS: ReadonlyArray<{ value: string; label: string; hint: string; isLine: boolean }> = [
  { value: "order", label: "Order", hint: "per order with a sales line", isLine: true },
  { value: "order_line", label: "Order line", hint: "per sales line (a pick)", isLine: true },
  { value: "unit", label: "Unit", hint: "per unit sold", isLine: true },
  { value: "kg", label: "Kilogram", hint: "per kg shipped", isLine: true },
  { value: "delivery", label: "Delivery", hint: "per drop with a sales line", isLine: true },
  { value: "distance", label: "Distance", hint: "per km (or mile) of each drop", isLine: true },
  { value: "returned_line", label: "Returned line", hint: "per return line", isLine: true },
  { value: "returned_unit", label: "Returned unit", hint: "per unit returned", isLine: true },
  {
    value: "customer_year",
    label: "Customer year",
    hint: "per customer per year of the period",
    isLine: false,
  },
  {
    value: "event",
    label: "Event (activities file)",
    hint: "per event counted in the activities file",
    isLine: false,
  },
];

export type ByDimension = "channel" | "region" | "channel_region";
export const BY_DIMENSIONS: ReadonlyArray<{ value: ByDimension; label: string; placeholder: string }> = [
  { value: "channel", label: "Channel", placeholder: "web" },
  { value: "region", label: "Region", placeholder: "north" },
  { value: "channel_region", label: "Channel|region", placeholder: "phone|south" },
];

export interface RateRow {
  key: string;
  dimension: ByDimension;
  value: string;
  amount: string;
}

export interface ActivityRow {
  key: string;
  name: string;
  /** A line driver, `customer_year`, or `event` with `eventName`. */
  driver: string;
  eventName: string;
  mode: "rate" | "time";
  rate: string;
  /** Time-driven: the activity's own pool (cost and capacity) or a shared pool by name. */
  poolMode: "own" | "shared";
  poolCost: string;
  capacityMinutes: string;
  poolName: string;
  minutesPerDriver: string;
  by: RateRow[];
  note: string;
  /** Kept as written: an activity may repeat the model's currency. */
  currency?: string;
}

export interface ModelForm {
  currency: string;
  activities: ActivityRow[];
  pools: Array<{ key: string; name: string; cost: string; capacityMinutes: string }>;
  hasFinancing: boolean;
  financing: { annualRate: string; defaultDays: string; name: string };
  /** Inventory carrying of the stock live policies hold; an empty rate leaves the default (20%). */
  inventory: { holdingRate: string; name: string };
  /** Passed through unchanged (edited in the JSON). */
  categoryMarginPct?: Record<string, number>;
}

let nextKey = 0;
export function newKey(): string {
  nextKey += 1;
  return `k${nextKey}`;
}

const text = (v: number | undefined): string => (v === undefined ? "" : String(v));

export function emptyActivity(): ActivityRow {
  return {
    key: newKey(),
    name: "",
    driver: "order",
    eventName: "",
    mode: "rate",
    rate: "",
    poolMode: "own",
    poolCost: "",
    capacityMinutes: "",
    poolName: "",
    minutesPerDriver: "",
    by: [],
    note: "",
  };
}

export function toForm(model: CostModelJson): ModelForm {
  return {
    currency: model.currency ?? "",
    activities: (model.activities ?? []).map((a) => {
      const isEvent = typeof a.driver === "string" && a.driver.startsWith("event:");
      const isTime = a.minutes_per_driver !== undefined || a.pool !== undefined;
      const by: RateRow[] = [];
      for (const d of BY_DIMENSIONS)
        for (const [value, amount] of Object.entries(a.by?.[d.value] ?? {}))
          by.push({ key: newKey(), dimension: d.value, value, amount: String(amount) });
      return {
        ...emptyActivity(),
        name: a.name ?? "",
        driver: isEvent ? "event" : (a.driver ?? ""),
        eventName: isEvent ? a.driver.slice(6) : "",
        mode: isTime ? "time" : "rate",
        rate: text(a.rate),
        poolMode: typeof a.pool === "string" ? "shared" : "own",
        poolCost: typeof a.pool === "number" ? String(a.pool) : "",
        poolName: typeof a.pool === "string" ? a.pool : "",
        capacityMinutes: text(a.capacity_minutes),
        minutesPerDriver: text(a.minutes_per_driver),
        by,
        note: a.note ?? "",
        ...(a.currency ? { currency: a.currency } : {}),
      };
    }),
    pools: (model.pools ?? []).map((p) => ({
      key: newKey(),
      name: p.name,
      cost: String(p.cost),
      capacityMinutes: String(p.capacity_minutes),
    })),
    hasFinancing: model.financing !== undefined,
    financing: {
      annualRate: text(model.financing?.annual_rate),
      defaultDays: text(model.financing?.default_days),
      name: model.financing?.name ?? "",
    },
    inventory: {
      holdingRate: text(model.inventory?.holding_rate),
      name: model.inventory?.name ?? "",
    },
    ...(model.category_margin_pct ? { categoryMarginPct: model.category_margin_pct } : {}),
  };
}

/**
 * A number as typed: empty is absent; anything else is sent as a number, or as typed when it is
 * not one, so the api names the field ("must be a number, got …").
 */
function num(value: string): number | undefined {
  const t = value.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : (t as unknown as number);
}

export function toJson(form: ModelForm): CostModelJson {
  const activities = form.activities.map((row): CostModelActivityJson => {
    const out: CostModelActivityJson = {
      name: row.name.trim(),
      driver: row.driver === "event" ? `event:${row.eventName.trim()}` : row.driver,
    };
    if (row.currency) out.currency = row.currency;
    if (row.mode === "rate") {
      const rate = num(row.rate);
      if (rate !== undefined) out.rate = rate;
    } else {
      if (row.poolMode === "shared") out.pool = row.poolName.trim();
      else {
        const cost = num(row.poolCost);
        if (cost !== undefined) out.pool = cost;
        const capacity = num(row.capacityMinutes);
        if (capacity !== undefined) out.capacity_minutes = capacity;
      }
      const minutes = num(row.minutesPerDriver);
      if (minutes !== undefined) out.minutes_per_driver = minutes;
    }
    const by: NonNullable<CostModelActivityJson["by"]> = {};
    for (const r of row.by) {
      const amount = num(r.amount);
      if (r.value.trim() === "" && amount === undefined) continue;
      by[r.dimension] = { ...by[r.dimension], [r.value.trim()]: amount as number };
    }
    if (Object.keys(by).length > 0) out.by = by;
    if (row.note.trim()) out.note = row.note.trim();
    return out;
  });
  const model: CostModelJson = { currency: form.currency.trim(), activities };
  if (form.pools.length > 0)
    model.pools = form.pools.map((p) => ({
      name: p.name.trim(),
      cost: num(p.cost) as number,
      capacity_minutes: num(p.capacityMinutes) as number,
    }));
  if (form.hasFinancing) {
    const financing: NonNullable<CostModelJson["financing"]> = {
      annual_rate: num(form.financing.annualRate) as number,
    };
    const days = num(form.financing.defaultDays);
    if (days !== undefined) financing.default_days = days;
    if (form.financing.name.trim()) financing.name = form.financing.name.trim();
    model.financing = financing;
  }
  if (form.inventory.holdingRate.trim() || form.inventory.name.trim()) {
    const inventory: NonNullable<CostModelJson["inventory"]> = {
      holding_rate: num(form.inventory.holdingRate) as number,
    };
    if (form.inventory.name.trim()) inventory.name = form.inventory.name.trim();
    model.inventory = inventory;
  }
  if (form.categoryMarginPct) model.category_margin_pct = form.categoryMarginPct;
  return model;
}

/** Moves an item of a list one place up (-1) or down (+1); out of range leaves the list as it is. */
export function move<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return [...list];
  const out = [...list];
  [out[index], out[to]] = [out[to] as T, out[index] as T];
  return out;
}
