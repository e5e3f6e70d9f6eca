import { CoreInputError } from "../errors.js";
import { createRandom, deriveSeed, type Random } from "../random/index.js";
import {
  buildCatalog,
  DEMO_CATEGORIES,
  DEMO_CHANNELS,
  DEMO_COUNTRIES,
  DEMO_CUSTOMER_TYPES,
  type DemoChannel,
  type DemoCustomerType,
  type DemoProduct,
  shopName,
} from "./catalog.js";

export interface DemoRetailerOptions {
  /** Same seed, same data (default 42). */
  seed?: number;
  /** Number of customers (default 3000: about 100,000 order lines over 24 months). */
  customers?: number;
  /** Length of the order history in months (default 24). */
  months?: number;
  /**
   * Last instant of the history, as epoch ms, a Date or an ISO date (default 2025-12-31,
   * fixed so the default output never changes; a seeding script passes "now").
   */
  endDate?: number | Date | string;
}

export interface DemoCustomer {
  externalId: string;
  name: string;
  type: DemoCustomerType;
  businessType: string;
  country: string;
  region: string;
  city: string;
  channelPreference: DemoChannel;
  /** ISO date (YYYY-MM-DD). */
  signupDate: string;
  employees: number;
  paymentTerms: string;
  isLoyaltyMember: boolean;
}

export interface DemoOrderLine {
  invoiceId: string;
  customerId: string;
  /** Epoch ms (UTC wall-clock time of the order). */
  orderedAt: number;
  productCode: string;
  product: string;
  category: string;
  /** Negative on return lines (their invoice id starts with "C"). */
  quantity: number;
  unitPrice: number;
  channel: DemoChannel;
  country: string;
  region: string;
  /** Shipping weight of the line in kg (positive, also for returns). */
  weight: number;
  /**
   * Cost of goods per unit: the product's list price times (1 - its category's margin), drifting
   * up with prices (3% a year). A return line keeps the cost of the line it returns.
   */
  unitCost: number;
  /** One delivery (drop) per order: `D` and the invoice number. */
  deliveryId: string;
  /**
   * Road km of the delivery, from the ship-to region's distance (catalog) within ±15%; 0 when the
   * customer picks the order up. Every line of a delivery repeats it.
   */
  distance: number;
}

/**
 * The activities the demo counts per customer (activities.csv, CONTRACT): sales visits (B2B
 * accounts get most), monthly statements for account customers, expedited orders, and each
 * account customer's payment terms in days (the cost model's financing input).
 */
export const DEMO_ACTIVITIES = ["sales_visit", "statement", "expedite", "payment_terms_days"] as const;
export type DemoActivity = (typeof DEMO_ACTIVITIES)[number];

/** A counted event of one customer: one row of activities.csv. */
export interface DemoActivityEvent {
  customerId: string;
  activity: DemoActivity;
  quantity: number;
  /** ISO date (YYYY-MM-DD); null for standing facts (payment terms). */
  date: string | null;
}

export interface DemoRetailer {
  customers: DemoCustomer[];
  /** Order lines in time order. */
  orders: DemoOrderLine[];
  /** Activity events: payment terms first (undated), then in date order. */
  activities: DemoActivityEvent[];
  products: DemoProduct[];
  start: number;
  end: number;
}

const DAY = 86_400_000;

/** How each kind of customer buys. Rates are per month; multipliers relative to list price. */
interface TypeProfile {
  share: number;
  ordersPerMonth: number;
  linesPerOrder: number;
  /** Mean units per line (before case packs). */
  units: number;
  isCasePacks: boolean;
  priceFactor: number;
  /** Preference for cheap products (exponent on price: 0 none, 1 strong). */
  cheapBias: number;
  /** Share of lines from the latest collections. */
  trendShare: number;
  returnRate: number;
  /** Extra seasonality on top of the categories' own (Jan..Dec). */
  season: readonly number[];
  channels: Readonly<Record<DemoChannel, number>>;
  businessTypes: readonly string[];
  employees: [number, number];
  /** Sales visits per active month; share of orders expedited. */
  visitsPerMonth: number;
  expediteRate: number;
}

const BASE_SEASON = [0.8, 0.85, 0.95, 1, 1, 0.85, 0.72, 0.75, 1, 1.1, 1.35, 1.6];

const PROFILES: Readonly<Record<DemoCustomerType, TypeProfile>> = {
  "value seeker": {
    share: 0.24,
    ordersPerMonth: 0.7,
    linesPerOrder: 3.5,
    units: 3,
    isCasePacks: false,
    priceFactor: 0.92,
    cheapBias: 1,
    trendShare: 0.05,
    returnRate: 0.02,
    season: [1.2, 1, 1, 1, 1, 1, 1.1, 1.1, 1, 1, 0.9, 0.8],
    channels: { "direct-to-store": 0.1, "distribution centre": 0.05, parcel: 0.4, pickup: 0.45 },
    businessTypes: ["discount store", "market stall", "online shop", "convenience store"],
    employees: [1, 8],
    visitsPerMonth: 0.04,
    expediteRate: 0.02,
  },
  "seasonal shopper": {
    share: 0.18,
    ordersPerMonth: 0.3,
    linesPerOrder: 4.5,
    units: 4,
    isCasePacks: false,
    priceFactor: 1,
    cheapBias: 0.3,
    trendShare: 0.15,
    returnRate: 0.03,
    season: [0.3, 0.3, 0.8, 1.2, 0.8, 0.4, 0.3, 0.3, 0.6, 1.3, 3, 3.6],
    channels: { "direct-to-store": 0.3, "distribution centre": 0.05, parcel: 0.45, pickup: 0.2 },
    businessTypes: ["gift shop", "garden centre", "christmas market stall", "pop-up store"],
    employees: [1, 12],
    visitsPerMonth: 0.08,
    expediteRate: 0.04,
  },
  "trend follower": {
    share: 0.14,
    ordersPerMonth: 0.55,
    linesPerOrder: 3.5,
    units: 3,
    isCasePacks: false,
    priceFactor: 1.08,
    cheapBias: 0,
    trendShare: 0.6,
    returnRate: 0.08,
    season: [1, 1, 1.1, 1.1, 1, 0.9, 0.8, 0.8, 1.1, 1.1, 1.1, 1],
    channels: { "direct-to-store": 0.15, "distribution centre": 0.05, parcel: 0.7, pickup: 0.1 },
    businessTypes: ["concept store", "boutique", "online shop", "interior studio"],
    employees: [1, 10],
    visitsPerMonth: 0.12,
    expediteRate: 0.05,
  },
  "high-volume B2B": {
    share: 0.06,
    ordersPerMonth: 1.15,
    linesPerOrder: 10,
    units: 24,
    isCasePacks: true,
    priceFactor: 0.82,
    cheapBias: 0.2,
    trendShare: 0.1,
    returnRate: 0.015,
    season: BASE_SEASON.map(() => 1),
    channels: { "direct-to-store": 0.4, "distribution centre": 0.55, parcel: 0.05, pickup: 0 },
    businessTypes: ["department store chain", "supermarket chain", "garden centre chain", "hotel group"],
    employees: [40, 900],
    visitsPerMonth: 1.2,
    expediteRate: 0.06,
  },
  occasional: {
    share: 0.23,
    ordersPerMonth: 0.15,
    linesPerOrder: 2.2,
    units: 2,
    isCasePacks: false,
    priceFactor: 1.05,
    cheapBias: 0.2,
    trendShare: 0.1,
    returnRate: 0.04,
    season: BASE_SEASON.map(() => 1),
    channels: { "direct-to-store": 0.1, "distribution centre": 0, parcel: 0.5, pickup: 0.4 },
    businessTypes: ["café", "florist", "hair salon", "bookshop", "bed and breakfast"],
    employees: [1, 6],
    visitsPerMonth: 0.02,
    expediteRate: 0.02,
  },
  lapsed: {
    share: 0.15,
    ordersPerMonth: 0.55,
    linesPerOrder: 3,
    units: 3,
    isCasePacks: false,
    priceFactor: 1,
    cheapBias: 0.4,
    trendShare: 0.1,
    returnRate: 0.05,
    season: BASE_SEASON.map(() => 1),
    channels: { "direct-to-store": 0.2, "distribution centre": 0.05, parcel: 0.45, pickup: 0.3 },
    businessTypes: ["gift shop", "café", "online shop", "boutique"],
    employees: [1, 10],
    visitsPerMonth: 0.1,
    expediteRate: 0.03,
  },
};

const CASE_PACKS = [6, 12, 12, 24, 24, 36, 48, 72, 96, 144];

function toEpoch(value: number | Date | string | undefined): number {
  if (value === undefined) return Date.UTC(2025, 11, 31, 23, 59, 59);
  const t = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : value;
  if (!Number.isFinite(t))
    throw new CoreInputError(`endDate is not a date: ${String(value)}`, { field: "endDate" });
  return t;
}

function pickChannel(random: Random, weights: Readonly<Record<DemoChannel, number>>): DemoChannel {
  let total = 0;
  for (const c of DEMO_CHANNELS) total += weights[c];
  let r = random.next() * total;
  for (const c of DEMO_CHANNELS) {
    r -= weights[c];
    if (r < 0) return c;
  }
  return DEMO_CHANNELS[DEMO_CHANNELS.length - 1]!;
}

function poisson(random: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.normal()));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * A believable two-year history of a home-and-lifestyle wholesaler: customers of six kinds
 * (value seekers, seasonal shoppers, trend followers, high-volume B2B accounts, occasional
 * buyers, lapsed accounts) ordering through four channels, with seasonality (a December peak,
 * a summer dip, garden goods in spring), product launches, case packs for B2B and returns as
 * negative lines. Deterministic for a seed.
 */
export function generateDemoRetailer(options: DemoRetailerOptions = {}): DemoRetailer {
  const seed = options.seed ?? 42;
  const nCustomers = options.customers ?? 3000;
  const months = options.months ?? 24;
  if (!Number.isInteger(nCustomers) || nCustomers < 1) {
    throw new CoreInputError(`customers must be a positive integer, got ${nCustomers}`, {
      field: "customers",
    });
  }
  if (!Number.isInteger(months) || months < 1 || months > 240) {
    throw new CoreInputError(`months must be an integer from 1 to 240, got ${months}`, { field: "months" });
  }
  const end = toEpoch(options.endDate);
  const endDate = new Date(end);
  // The window covers whole calendar months ending with the month of endDate.
  const start = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - months + 1, 1);

  const products = buildCatalog(createRandom(deriveSeed(seed, 0)), start, end);
  const pickers = new Map(DEMO_CUSTOMER_TYPES.map((t) => [t, new ProductPicker(products, PROFILES[t])]));
  const typeRandom = createRandom(deriveSeed(seed, 1));
  const monthStarts: number[] = [];
  for (let m = 0; m <= months; m++) {
    monthStarts.push(Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - months + 1 + m, 1));
  }

  const customers: DemoCustomer[] = [];
  const orders: Array<{
    time: number;
    customer: number;
    isReturn: boolean;
    distance: number;
    lines: DemoOrderLine[];
  }> = [];
  const activities: DemoActivityEvent[] = [];

  for (let i = 0; i < nCustomers; i++) {
    const random = createRandom(deriveSeed(seed, 1000 + i));
    // Costs, distances and activity events draw from their own stream, so that adding them left the
    // customers and orders of a seed exactly as they were.
    const serviceRandom = createRandom(deriveSeed(seed, 2_000_000 + i));
    const type = pickType(typeRandom);
    const profile = PROFILES[type];
    const picker = pickers.get(type)!;
    const country = pickCountry(random);
    const region = country.regions[random.int(country.regions.length)]!;
    const city = region.cities[random.int(region.cities.length)]!;
    // 65% were customers before the window; the rest joined during it, more of them lately.
    // Lapsed accounts are old ones that stopped ordering at least five months before the end.
    const isEarly = type === "lapsed" || random.next() < 0.65;
    const signup = isEarly
      ? start - (30 + random.next() * 5 * 365) * DAY
      : start + Math.sqrt(random.next()) * (end - start - 30 * DAY);
    const lapseAt =
      type === "lapsed" ? start + (0.15 + 0.6 * random.next()) * (end - start - 150 * DAY) : end;
    const channelPreference = pickChannel(random, profile.channels);
    const isLarge = type === "high-volume B2B";
    const [eMin, eMax] = profile.employees;
    const customer: DemoCustomer = {
      externalId: `C${String(10001 + i)}`,
      name: shopName(random, isLarge),
      type,
      businessType: profile.businessTypes[random.int(profile.businessTypes.length)]!,
      country: country.name,
      region: region.name,
      city,
      channelPreference,
      signupDate: isoDate(signup),
      employees: Math.round(eMin * (eMax / eMin) ** random.next()),
      paymentTerms: isLarge
        ? random.next() < 0.7
          ? "60 days"
          : "30 days"
        : random.next() < 0.6
          ? "prepaid"
          : "30 days",
      isLoyaltyMember: random.next() < (type === "occasional" || type === "lapsed" ? 0.2 : 0.55),
    };
    customers.push(customer);

    // Customers differ in appetite within a type; B2B accounts also in size.
    const activity = Math.exp(0.45 * random.normal() - 0.1);
    const size = isLarge ? Math.exp(0.5 * random.normal()) : 1;
    const favourites = DEMO_CATEGORIES.map(() => 0.2 + random.next() ** 3 * 3);
    const from = Math.max(signup, start);
    for (let m = 0; m < months; m++) {
      const monthStart = monthStarts[m]!;
      const monthEnd = Math.min(end, monthStarts[m + 1]!);
      const activeFrom = Math.max(monthStart, from);
      const activeTo = Math.min(monthEnd, lapseAt);
      if (activeTo <= activeFrom) continue;
      const fraction = (activeTo - activeFrom) / (monthStarts[m + 1]! - monthStart);
      const month = (endDate.getUTCMonth() - months + 1 + m + 1200) % 12;
      const lambda =
        profile.ordersPerMonth * activity * BASE_SEASON[month]! * profile.season[month]! * fraction;
      const count = poisson(random, lambda);
      for (let o = 0; o < count; o++) {
        let time = activeFrom + random.next() * (activeTo - activeFrom);
        const dayStart = Math.floor(time / DAY) * DAY;
        const weekday = (Math.floor(dayStart / DAY) + 4) % 7; // 1970-01-01 was a Thursday
        // Businesses order on weekdays; move weekend orders of B2B accounts to Monday.
        const shift = isLarge && weekday === 6 ? 2 : isLarge && weekday === 0 ? 1 : 0;
        const hour = isLarge ? 6 + random.int(10) : 8 + random.int(13);
        time = dayStart + shift * DAY + hour * 3_600_000 + random.int(60) * 60_000 + random.int(60) * 1000;
        if (time > end) continue;
        const channel = random.next() < 0.75 ? channelPreference : pickChannel(random, profile.channels);
        const nLines = Math.max(1, Math.round((1 + poisson(random, profile.linesPerOrder - 1)) * size));
        const lines: DemoOrderLine[] = [];
        const chosen: DemoProduct[] = [];
        picker.setCategoryWeights(favourites, month);
        for (let l = 0; l < nLines; l++) {
          const product = picker.pick(random, time);
          if (chosen.includes(product)) continue;
          chosen.push(product);
          const quantity = profile.isCasePacks
            ? CASE_PACKS[random.int(CASE_PACKS.length)]! * (random.next() < 0.2 ? 2 : 1)
            : 1 + poisson(random, profile.units - 1);
          // Volume discounts for large lines; prices drift up about 3% a year.
          const inflation = 1 + (0.03 * (time - start)) / (365 * DAY);
          const discount = quantity >= 48 ? 0.94 : 1;
          const unitCost = round2(
            product.price * (1 - DEMO_CATEGORIES[product.categoryIndex]!.margin) * inflation,
          );
          const unitPrice = round2(
            product.price * profile.priceFactor * discount * inflation * (1 + 0.03 * random.normal()),
          );
          lines.push({
            invoiceId: "",
            customerId: customer.externalId,
            orderedAt: time,
            productCode: product.code,
            product: product.name,
            category: product.category,
            quantity,
            unitPrice: Math.max(0.1, unitPrice),
            channel,
            country: customer.country,
            region: customer.region,
            weight: Math.round(product.weight * quantity * 1000) / 1000,
            unitCost,
            deliveryId: "",
            distance: 0,
          });
        }
        const km = region.distanceKm * (0.85 + 0.3 * serviceRandom.next());
        orders.push({
          time,
          customer: i,
          isReturn: false,
          distance: channel === "pickup" ? 0 : Math.round(km * 10) / 10,
          lines,
        });
        if (serviceRandom.next() < profile.expediteRate) {
          activities.push({
            customerId: customer.externalId,
            activity: "expedite",
            quantity: 1,
            date: isoDate(time),
          });
        }
        // Some lines come back a few days later, as a separate credit invoice.
        const returned = lines.filter(() => random.next() < profile.returnRate);
        if (returned.length > 0) {
          const returnTime = time + (2 + random.int(20)) * DAY + random.int(36_000) * 1000;
          if (returnTime <= end) {
            // Returns are collected from the customer: a delivery of its own, the same way back.
            orders.push({
              time: returnTime,
              customer: i,
              isReturn: true,
              distance: Math.round(region.distanceKm * (0.85 + 0.3 * serviceRandom.next()) * 10) / 10,
              lines: returned.map((line) => {
                const qty =
                  random.next() < 0.6
                    ? line.quantity
                    : Math.max(1, Math.round(line.quantity * random.next()));
                return {
                  ...line,
                  orderedAt: returnTime,
                  quantity: -qty,
                  weight: Math.round((line.weight / line.quantity) * qty * 1000) / 1000,
                };
              }),
            });
          }
        }
      }
    }
    addServiceEvents(activities, serviceRandom, customer, profile, {
      from,
      to: lapseAt,
      end,
      monthStarts,
    });
  }

  orders.sort((a, b) => a.time - b.time || a.customer - b.customer);
  const lines: DemoOrderLine[] = [];
  let invoice = 600000;
  for (const order of orders) {
    const invoiceId = order.isReturn ? `C${invoice}` : String(invoice);
    invoice++;
    for (const line of order.lines) {
      line.invoiceId = invoiceId;
      line.deliveryId = `D${invoiceId}`;
      line.distance = order.distance;
      lines.push(line);
    }
  }
  const customerIndex = new Map(customers.map((c, i) => [c.externalId, i]));
  activities.sort(
    (a, b) =>
      (a.date === null ? 0 : 1) - (b.date === null ? 0 : 1) ||
      (a.date ?? "").localeCompare(b.date ?? "") ||
      customerIndex.get(a.customerId)! - customerIndex.get(b.customerId)! ||
      a.activity.localeCompare(b.activity),
  );
  return { customers, orders: lines, activities, products, start, end };
}

/**
 * A customer's standing and monthly service events: payment terms in days (account customers),
 * a statement at each month end while the account is active (and two months after it lapsed, while
 * the balance is settled), and sales visits on weekdays (B2B accounts about one a month or more).
 */
function addServiceEvents(
  out: DemoActivityEvent[],
  random: Random,
  customer: DemoCustomer,
  profile: TypeProfile,
  window: { from: number; to: number; end: number; monthStarts: number[] },
): void {
  const isAccount = customer.paymentTerms !== "prepaid";
  const id = customer.externalId;
  if (isAccount) {
    out.push({
      customerId: id,
      activity: "payment_terms_days",
      quantity: Number.parseInt(customer.paymentTerms, 10),
      date: null,
    });
  }
  const { monthStarts } = window;
  for (let m = 0; m + 1 < monthStarts.length; m++) {
    const monthStart = monthStarts[m]!;
    const monthEnd = Math.min(window.end, monthStarts[m + 1]! - 1);
    if (monthEnd < window.from) continue;
    // A statement at each month end (none yet for a month the history ends in the middle of).
    const lastDay = isoDate(monthStarts[m + 1]! - 1);
    if (isAccount && monthStart <= window.to + 62 * DAY && lastDay <= isoDate(window.end)) {
      out.push({ customerId: id, activity: "statement", quantity: 1, date: lastDay });
    }
    const activeFrom = Math.max(monthStart, window.from);
    const activeTo = Math.min(monthEnd, window.to);
    if (activeTo <= activeFrom) continue;
    const visits = poisson(
      random,
      profile.visitsPerMonth * ((activeTo - activeFrom) / (monthEnd - monthStart)),
    );
    for (let v = 0; v < visits; v++) {
      let day = Math.floor((activeFrom + random.next() * (activeTo - activeFrom)) / DAY) * DAY;
      const weekday = (Math.floor(day / DAY) + 4) % 7;
      if (weekday === 6) day -= DAY;
      else if (weekday === 0) day -= 2 * DAY;
      out.push({
        customerId: id,
        activity: "sales_visit",
        quantity: 1,
        date: isoDate(Math.max(day, activeFrom)),
      });
    }
  }
}

function pickType(random: Random): DemoCustomerType {
  let r = random.next();
  for (const t of DEMO_CUSTOMER_TYPES) {
    r -= PROFILES[t].share;
    if (r < 0) return t;
  }
  return "occasional";
}

function pickCountry(random: Random) {
  let r = random.next();
  for (const c of DEMO_COUNTRIES) {
    r -= c.share;
    if (r < 0) return c;
  }
  return DEMO_COUNTRIES[0]!;
}

/**
 * Chooses products for one kind of customer: a category by the customer's favourites and the
 * month's season, then a staple (cheaper ones likelier for price-sensitive buyers) or, for a
 * share of lines, a trend item launched in the last 240 days. Precomputed weights: this runs
 * for every order line.
 */
class ProductPicker {
  private readonly staples: DemoProduct[][];
  private readonly stapleCum: Float64Array[];
  private readonly trends: DemoProduct[][];
  private readonly categoryCum = new Float64Array(DEMO_CATEGORIES.length);
  private readonly eligible: DemoProduct[] = [];

  constructor(
    products: DemoProduct[],
    private readonly profile: TypeProfile,
  ) {
    this.staples = DEMO_CATEGORIES.map((_, c) => products.filter((p) => p.categoryIndex === c && !p.isTrend));
    this.trends = DEMO_CATEGORIES.map((_, c) => products.filter((p) => p.categoryIndex === c && p.isTrend));
    this.stapleCum = this.staples.map((list) => {
      const cum = new Float64Array(list.length);
      let sum = 0;
      list.forEach((p, i) => {
        sum += p.price ** -profile.cheapBias;
        cum[i] = sum;
      });
      return cum;
    });
  }

  setCategoryWeights(favourites: number[], month: number): void {
    let sum = 0;
    for (let c = 0; c < favourites.length; c++) {
      sum += favourites[c]! * DEMO_CATEGORIES[c]!.season[month]!;
      this.categoryCum[c] = sum;
    }
  }

  pick(random: Random, time: number): DemoProduct {
    const cum = this.categoryCum;
    const r = random.next() * cum[cum.length - 1]!;
    let category = 0;
    while (category < cum.length - 1 && r >= cum[category]!) category++;
    if (random.next() < this.profile.trendShare) {
      const eligible = this.eligible;
      eligible.length = 0;
      for (const p of this.trends[category]!) {
        if (p.launchedAt <= time && time - p.launchedAt < 240 * DAY) eligible.push(p);
      }
      if (eligible.length > 0) return eligible[random.int(eligible.length)]!;
    }
    const staples = this.staples[category]!;
    const stapleCum = this.stapleCum[category]!;
    const q = random.next() * stapleCum[stapleCum.length - 1]!;
    let i = 0;
    while (i < staples.length - 1 && q >= stapleCum[i]!) i++;
    return staples[i]!;
  }
}
