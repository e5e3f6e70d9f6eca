import { CoreInputError } from "../errors.js";

/** One activity of model.json, as `parseCostModel` reads it (docs/cost-to-serve.md). */
export interface CostModelActivityJson {
  name: string;
  driver: string;
  rate?: number;
  note?: string;
  currency?: string;
  by?: {
    channel?: Record<string, number>;
    region?: Record<string, number>;
    channel_region?: Record<string, number>;
  };
  /** Time-driven: the activity's own pool cost, or the name of a shared pool in `pools`. */
  pool?: number | string;
  capacity_minutes?: number;
  minutes_per_driver?: number;
}

/** model.json, the cost model as files, the CLI, the api and the editor exchange it. */
export interface CostModelJson {
  currency: string;
  activities: CostModelActivityJson[];
  pools?: Array<{ name: string; cost: number; capacity_minutes: number }>;
  financing?: { annual_rate: number; name?: string; default_days?: number };
  /** Inventory carrying of the stock the workspace's policies hold (not read by the CLI: no policies). */
  inventory?: { holding_rate: number; name?: string };
  category_margin_pct?: Record<string, number>;
}

/**
 * Drivers counted from order lines. A sales line has quantity >= 0, a return line < 0.
 * - `order`, `delivery`: distinct orders / deliveries (drops) with a sales line
 * - `order_line`, `unit`, `kg`: sales lines, units sold, kilograms shipped (the line's weight)
 * - `distance`: the delivery's distance, counted once per delivery, on sales lines only
 * - `returned_line`, `returned_unit`: return lines and units returned
 */
export const LINE_DRIVERS = [
  "order",
  "order_line",
  "unit",
  "kg",
  "delivery",
  "distance",
  "returned_line",
  "returned_unit",
] as const;
export type LineDriver = (typeof LINE_DRIVERS)[number];

/** Every driver a model may name; `event:<activity>` counts come per customer (activities.csv). */
export type DriverKind = LineDriver | "customer_year" | "event";

/** Rates (or minutes, for a time-driven activity) that replace the base one for a line attribute. */
export interface RateOverrides {
  readonly channel?: ReadonlyMap<string, number>;
  readonly region?: ReadonlyMap<string, number>;
  /** Keyed `"<channel>|<region>"`; the most specific entry wins: channel|region, channel, region. */
  readonly channelRegion?: ReadonlyMap<string, number>;
}

export interface CostActivity {
  readonly name: string;
  /** The driver as written in the model (`unit`, `event:sales visit`). */
  readonly driver: string;
  readonly kind: DriverKind;
  /** For `event:<name>`: the activity name counted in activities.csv. */
  readonly event?: string;
  readonly note?: string;
  /** Money per driver unit; absent for a time-driven activity. */
  readonly rate?: number;
  /** Time-driven (TDABC): the pool the minutes are drawn from and the minutes per driver unit. */
  readonly time?: { readonly pool: string; readonly minutesPerDriver: number };
  readonly by?: RateOverrides;
}

/** A resource pool for time-driven activities: its cost and practical capacity over the period. */
export interface CostPool {
  readonly name: string;
  readonly cost: number;
  readonly capacityMinutes: number;
}

export interface CostModel {
  readonly currency: string;
  readonly activities: ReadonlyArray<CostActivity>;
  readonly pools: ReadonlyArray<CostPool>;
  /** Financing of payment terms: annual capital rate x days outstanding x net sales / 365. */
  readonly financing?: { readonly annualRate: number; readonly name: string; readonly defaultDays: number };
  /**
   * Inventory carrying: annual holding rate x unit cost x (cycle stock + safety stock) of what each
   * policy holds for its customers. Computed where policies live (the workspace), not from files.
   */
  readonly inventory?: { readonly holdingRate: number; readonly name: string };
  /** Gross margin % of net sales per product category, for lines without a unit cost. */
  readonly categoryMarginPct?: ReadonlyMap<string, number>;
}

/** The activity inventory carrying is reported as, unless the model's `inventory.name` says otherwise. */
export const INVENTORY_CARRYING_ACTIVITY = "inventory carrying";

/** The activity name in activities.csv that gives a customer's payment terms for financing. */
export const PAYMENT_TERMS_ACTIVITY = "payment_terms_days";

type Json = Record<string, unknown>;

function fail(field: string, message: string): never {
  throw new CoreInputError(`${field}: ${message}`, { field });
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === undefined ? "missing" : `${JSON.stringify(v)}`;
}

function onlyKeys(obj: Json, field: string, allowed: ReadonlyArray<string>): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      fail(`${field}${field ? "." : ""}${key}`, `unknown field (allowed: ${allowed.join(", ")})`);
  }
}

function text(obj: Json, key: string, field: string, required: true): string;
function text(obj: Json, key: string, field: string, required: false): string | undefined;
function text(obj: Json, key: string, field: string, required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || v.trim() === "") fail(field, `must be a non-empty text, got ${describe(v)}`);
  return v.trim();
}

function amount(v: unknown, field: string, options: { positive?: boolean; max?: number } = {}): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(field, `must be a number, got ${describe(v)}`);
  if (v < 0) fail(field, `must not be negative, got ${v}`);
  if (options.positive && v === 0) fail(field, "must be greater than 0");
  if (options.max !== undefined && v > options.max) fail(field, `must be at most ${options.max}, got ${v}`);
  return v;
}

function numberMap(v: unknown, field: string, check: (x: unknown, f: string) => number): Map<string, number> {
  if (!isObject(v)) fail(field, `must be an object of {value: number}, got ${describe(v)}`);
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(v)) out.set(key, check(value, `${field}.${key}`));
  return out;
}

const TIME_KEYS = ["pool", "capacity_minutes", "minutes_per_driver"] as const;

function parseActivity(
  raw: unknown,
  i: number,
  currency: string,
  pools: Map<string, CostPool>,
): CostActivity {
  const field = `activities[${i}]`;
  if (!isObject(raw)) fail(field, `must be an object, got ${describe(raw)}`);
  onlyKeys(raw, field, ["name", "driver", "rate", "note", "currency", "by", ...TIME_KEYS]);
  const name = text(raw, "name", `${field}.name`, true);
  const driver = text(raw, "driver", `${field}.driver`, true);
  let kind: DriverKind;
  let event: string | undefined;
  if ((LINE_DRIVERS as ReadonlyArray<string>).includes(driver)) kind = driver as LineDriver;
  else if (driver === "customer_year") kind = "customer_year";
  else if (driver.startsWith("event:") && driver.slice(6).trim() !== "") {
    kind = "event";
    event = driver.slice(6).trim();
    if (event === PAYMENT_TERMS_ACTIVITY)
      fail(`${field}.driver`, `${PAYMENT_TERMS_ACTIVITY} is read by "financing", not by an activity`);
  } else {
    fail(
      `${field}.driver`,
      `unknown driver ${JSON.stringify(driver)} (known: ${[...LINE_DRIVERS, "customer_year", "event:<activity>"].join(", ")})`,
    );
  }
  const note = text(raw, "note", `${field}.note`, false);
  const own = text(raw, "currency", `${field}.currency`, false);
  if (own !== undefined && own.toUpperCase() !== currency)
    fail(`${field}.currency`, `${own} differs from the model's currency ${currency}; convert the rate first`);

  const timed = TIME_KEYS.some((k) => raw[k] !== undefined);
  if (timed && raw.rate !== undefined)
    fail(`${field}.rate`, "give either a rate or pool + capacity_minutes + minutes_per_driver, not both");
  if (!timed && raw.rate === undefined)
    fail(
      `${field}.rate`,
      "missing (or give pool, capacity_minutes and minutes_per_driver for a time-driven rate)",
    );
  let rate: number | undefined;
  let time: CostActivity["time"];
  if (!timed) rate = amount(raw.rate, `${field}.rate`);
  else {
    const minutesPerDriver = amount(raw.minutes_per_driver, `${field}.minutes_per_driver`);
    let pool: string;
    if (typeof raw.pool === "string") {
      // A shared resource pool (a department several activities draw minutes from).
      pool = raw.pool.trim();
      if (!pools.has(pool))
        fail(
          `${field}.pool`,
          `no pool named ${JSON.stringify(pool)} in "pools" (known: ${[...pools.keys()].join(", ") || "none"})`,
        );
      if (raw.capacity_minutes !== undefined)
        fail(`${field}.capacity_minutes`, `the capacity of a shared pool is given in "pools"`);
    } else {
      const cost = amount(raw.pool, `${field}.pool`);
      const capacityMinutes = amount(raw.capacity_minutes, `${field}.capacity_minutes`, { positive: true });
      pool = name;
      if (pools.has(pool)) fail(`${field}.name`, `${JSON.stringify(name)} is already the name of a pool`);
      pools.set(pool, { name, cost, capacityMinutes });
    }
    time = { pool, minutesPerDriver };
  }

  let by: RateOverrides | undefined;
  if (raw.by !== undefined) {
    const f = `${field}.by`;
    if (kind === "customer_year" || kind === "event")
      fail(f, `rates by channel or region need a driver counted on order lines, not ${driver}`);
    if (!isObject(raw.by))
      fail(f, `must be an object like {"channel": {"web": 0.5}}, got ${describe(raw.by)}`);
    onlyKeys(raw.by, f, ["channel", "region", "channel_region"]);
    const check = (x: unknown, g: string) => amount(x, g);
    by = {
      ...(raw.by.channel !== undefined ? { channel: numberMap(raw.by.channel, `${f}.channel`, check) } : {}),
      ...(raw.by.region !== undefined ? { region: numberMap(raw.by.region, `${f}.region`, check) } : {}),
      ...(raw.by.channel_region !== undefined
        ? { channelRegion: numberMap(raw.by.channel_region, `${f}.channel_region`, check) }
        : {}),
    };
    for (const key of by.channelRegion?.keys() ?? [])
      if (key.split("|").length !== 2)
        fail(`${f}.channel_region.${key}`, `keys are written "<channel>|<region>", like "web|north"`);
  }
  return {
    name,
    driver,
    kind,
    ...(event !== undefined ? { event } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(time !== undefined ? { time } : {}),
    ...(by !== undefined ? { by } : {}),
  };
}

/**
 * Reads and validates a cost model (model.json, already parsed). Every problem throws a
 * CoreInputError whose field is the path to it, like `activities[2].driver`.
 */
export function parseCostModel(json: unknown): CostModel {
  if (!isObject(json)) fail("model", `must be a JSON object, got ${describe(json)}`);
  onlyKeys(json, "", ["currency", "activities", "pools", "financing", "inventory", "category_margin_pct"]);
  const given = text(json, "currency", "currency", true);
  if (!/^[A-Za-z]{3}$/.test(given))
    fail("currency", `must be a three-letter currency code like EUR, got ${JSON.stringify(given)}`);
  const currency = given.toUpperCase();

  const pools = new Map<string, CostPool>();
  if (json.pools !== undefined) {
    if (!Array.isArray(json.pools)) fail("pools", `must be a list, got ${describe(json.pools)}`);
    json.pools.forEach((raw: unknown, i) => {
      const field = `pools[${i}]`;
      if (!isObject(raw)) fail(field, `must be an object, got ${describe(raw)}`);
      onlyKeys(raw, field, ["name", "cost", "capacity_minutes"]);
      const name = text(raw, "name", `${field}.name`, true);
      if (pools.has(name)) fail(`${field}.name`, `${JSON.stringify(name)} appears twice`);
      pools.set(name, {
        name,
        cost: amount(raw.cost, `${field}.cost`),
        capacityMinutes: amount(raw.capacity_minutes, `${field}.capacity_minutes`, { positive: true }),
      });
    });
  }

  if (!Array.isArray(json.activities))
    fail("activities", `must be a list of activities, got ${describe(json.activities)}`);
  const activities = json.activities.map((raw: unknown, i) => parseActivity(raw, i, currency, pools));
  const names = new Set<string>();
  activities.forEach((a, i) => {
    if (names.has(a.name)) fail(`activities[${i}].name`, `${JSON.stringify(a.name)} appears twice`);
    names.add(a.name);
  });

  let financing: CostModel["financing"];
  if (json.financing !== undefined) {
    const f = json.financing;
    if (!isObject(f)) fail("financing", `must be an object like {"annual_rate": 0.08}, got ${describe(f)}`);
    onlyKeys(f, "financing", ["annual_rate", "name", "default_days"]);
    const name = text(f, "name", "financing.name", false) ?? "financing";
    if (names.has(name)) fail("financing.name", `${JSON.stringify(name)} is already an activity's name`);
    financing = {
      annualRate: amount(f.annual_rate, "financing.annual_rate", { max: 10 }),
      name,
      defaultDays: f.default_days === undefined ? 0 : amount(f.default_days, "financing.default_days"),
    };
  }

  let inventory: CostModel["inventory"];
  if (json.inventory !== undefined) {
    const f = json.inventory;
    if (!isObject(f)) fail("inventory", `must be an object like {"holding_rate": 0.2}, got ${describe(f)}`);
    onlyKeys(f, "inventory", ["holding_rate", "name"]);
    const name = text(f, "name", "inventory.name", false) ?? INVENTORY_CARRYING_ACTIVITY;
    if (names.has(name) || name === financing?.name)
      fail("inventory.name", `${JSON.stringify(name)} is already an activity's name`);
    inventory = { holdingRate: amount(f.holding_rate, "inventory.holding_rate", { max: 5 }), name };
  }

  let categoryMarginPct: Map<string, number> | undefined;
  if (json.category_margin_pct !== undefined) {
    categoryMarginPct = numberMap(json.category_margin_pct, "category_margin_pct", (x, g) => {
      if (typeof x !== "number" || !Number.isFinite(x)) fail(g, `must be a number, got ${describe(x)}`);
      if (x > 100) fail(g, `a margin above 100% of net sales means a negative cost of goods, got ${x}`);
      return x;
    });
  }
  return {
    currency,
    activities,
    pools: [...pools.values()],
    ...(financing ? { financing } : {}),
    ...(inventory ? { inventory } : {}),
    ...(categoryMarginPct ? { categoryMarginPct } : {}),
  };
}
