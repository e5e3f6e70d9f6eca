import type { Random } from "../random/index.js";

/** Fixed vocabularies of the demo retailer: a Dutch home-and-lifestyle wholesaler. */

export const DEMO_CHANNELS = ["direct-to-store", "distribution centre", "parcel", "pickup"] as const;
export type DemoChannel = (typeof DEMO_CHANNELS)[number];

export const DEMO_CUSTOMER_TYPES = [
  "value seeker",
  "seasonal shopper",
  "trend follower",
  "high-volume B2B",
  "occasional",
  "lapsed",
] as const;
export type DemoCustomerType = (typeof DEMO_CUSTOMER_TYPES)[number];

export interface DemoCountry {
  name: string;
  share: number;
  /** `distanceKm`: road distance from the distribution centre (near 's-Hertogenbosch) to the region. */
  regions: Array<{ name: string; cities: string[]; distanceKm: number }>;
}

export const DEMO_COUNTRIES: readonly DemoCountry[] = [
  {
    name: "Netherlands",
    share: 0.42,
    regions: [
      { name: "Noord-Holland", cities: ["Amsterdam", "Haarlem", "Alkmaar", "Hilversum"], distanceKm: 110 },
      { name: "Zuid-Holland", cities: ["Rotterdam", "Den Haag", "Leiden", "Delft"], distanceKm: 95 },
      { name: "Utrecht", cities: ["Utrecht", "Amersfoort", "Zeist"], distanceKm: 55 },
      {
        name: "Noord-Brabant",
        cities: ["Eindhoven", "Tilburg", "Breda", "'s-Hertogenbosch"],
        distanceKm: 25,
      },
      { name: "Gelderland", cities: ["Arnhem", "Nijmegen", "Apeldoorn"], distanceKm: 70 },
      { name: "Groningen", cities: ["Groningen", "Delfzijl"], distanceKm: 230 },
    ],
  },
  {
    name: "Germany",
    share: 0.2,
    regions: [
      { name: "Nordrhein-Westfalen", cities: ["Köln", "Düsseldorf", "Münster", "Essen"], distanceKm: 160 },
      { name: "Niedersachsen", cities: ["Hannover", "Oldenburg", "Osnabrück"], distanceKm: 290 },
      { name: "Bayern", cities: ["München", "Nürnberg", "Augsburg"], distanceKm: 720 },
      { name: "Hamburg", cities: ["Hamburg"], distanceKm: 470 },
    ],
  },
  {
    name: "Belgium",
    share: 0.15,
    regions: [
      { name: "Antwerpen", cities: ["Antwerpen", "Mechelen", "Turnhout"], distanceKm: 90 },
      { name: "Oost-Vlaanderen", cities: ["Gent", "Aalst"], distanceKm: 150 },
      { name: "Brussels", cities: ["Brussel"], distanceKm: 140 },
      { name: "Liège", cities: ["Liège", "Verviers"], distanceKm: 150 },
    ],
  },
  {
    name: "France",
    share: 0.1,
    regions: [
      { name: "Hauts-de-France", cities: ["Lille", "Amiens"], distanceKm: 240 },
      { name: "Île-de-France", cities: ["Paris", "Versailles"], distanceKm: 460 },
      { name: "Grand Est", cities: ["Strasbourg", "Reims"], distanceKm: 430 },
    ],
  },
  {
    name: "United Kingdom",
    share: 0.07,
    regions: [
      { name: "London", cities: ["London"], distanceKm: 430 },
      { name: "North West", cities: ["Manchester", "Liverpool"], distanceKm: 720 },
      { name: "South East", cities: ["Brighton", "Oxford"], distanceKm: 470 },
    ],
  },
  {
    name: "Denmark",
    share: 0.06,
    regions: [
      { name: "Hovedstaden", cities: ["København", "Hillerød"], distanceKm: 880 },
      { name: "Midtjylland", cities: ["Aarhus", "Randers"], distanceKm: 740 },
    ],
  },
];

export interface DemoCategory {
  name: string;
  /** Typical unit price (wholesale, EUR) and spread (log scale). */
  price: number;
  spread: number;
  /** Unit weight in kg. */
  weight: number;
  /**
   * Gross margin on the list price (0..1): a product's unit cost is its list price times
   * (1 - margin). Customers who pay less than list (B2B accounts, volume discounts) earn less.
   */
  margin: number;
  /** Demand multiplier per calendar month (Jan..Dec). */
  season: readonly number[];
  nouns: readonly string[];
}

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  {
    name: "Kitchen & Dining",
    price: 6.5,
    spread: 0.6,
    weight: 0.45,
    margin: 0.45,
    season: FLAT,
    nouns: ["Mug", "Plate", "Bowl", "Teapot", "Cutlery Set", "Serving Tray", "Jug", "Egg Cup"],
  },
  {
    name: "Home Decor",
    price: 9,
    spread: 0.7,
    weight: 0.8,
    margin: 0.55,
    season: [0.9, 0.9, 1, 1, 1, 0.9, 0.9, 0.9, 1.1, 1.1, 1.2, 1.2],
    nouns: ["Vase", "Photo Frame", "Cushion Cover", "Wall Clock", "Mirror", "Candle Holder", "Basket"],
  },
  {
    name: "Seasonal & Gifts",
    price: 4.5,
    spread: 0.6,
    weight: 0.3,
    margin: 0.6,
    season: [0.3, 0.5, 0.7, 0.9, 0.6, 0.5, 0.5, 0.6, 0.9, 1.6, 2.8, 3.2],
    nouns: [
      "Bauble Set",
      "Advent Calendar",
      "Gift Box",
      "Wreath",
      "Star Garland",
      "Easter Egg Set",
      "Gift Wrap",
    ],
  },
  {
    name: "Garden",
    price: 12,
    spread: 0.7,
    weight: 1.6,
    margin: 0.38,
    season: [0.4, 0.6, 1.3, 1.9, 2, 1.6, 1, 0.8, 0.8, 0.6, 0.4, 0.4],
    nouns: ["Planter", "Watering Can", "Bird Feeder", "Lantern", "Seed Tin", "Garden Gloves"],
  },
  {
    name: "Stationery",
    price: 2.8,
    spread: 0.5,
    weight: 0.15,
    margin: 0.5,
    season: [1.1, 1, 1, 0.9, 0.9, 0.8, 0.9, 1.5, 1.4, 1, 1, 1],
    nouns: ["Notebook", "Pencil Case", "Greeting Card", "Sticker Sheet", "Washi Tape", "Desk Planner"],
  },
  {
    name: "Toys & Games",
    price: 7.5,
    spread: 0.6,
    weight: 0.5,
    margin: 0.42,
    season: [0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 1, 1.3, 1.8, 2.2],
    nouns: ["Puzzle", "Wooden Train", "Card Game", "Spinning Top", "Plush Bear", "Skipping Rope"],
  },
  {
    name: "Lighting",
    price: 15,
    spread: 0.6,
    weight: 1.1,
    margin: 0.48,
    season: [1.1, 1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.7, 1, 1.3, 1.5, 1.4],
    nouns: ["Table Lamp", "Fairy Lights", "Night Light", "Pendant Shade", "Tealight Lantern"],
  },
  {
    name: "Textiles",
    price: 8,
    spread: 0.5,
    weight: 0.4,
    margin: 0.52,
    season: [1.2, 1, 0.9, 0.9, 0.8, 0.8, 0.8, 0.9, 1, 1.2, 1.2, 1.1],
    nouns: ["Tea Towel", "Apron", "Throw", "Tote Bag", "Oven Glove", "Table Runner"],
  },
];

const STYLES = [
  "Scandi",
  "Vintage",
  "Botanical",
  "Enamel",
  "Rattan",
  "Ceramic",
  "Linen",
  "Retro",
  "Nordic",
  "Terracotta",
];
const COLOURS = ["Sage", "Ochre", "White", "Navy", "Blush", "Charcoal", "Mint", "Rust"];

export interface DemoProduct {
  code: string;
  name: string;
  category: string;
  categoryIndex: number;
  price: number;
  weight: number;
  /** Trend collections are launched during the period; staple products exist throughout. */
  isTrend: boolean;
  launchedAt: number;
}

/** About 25 products per category; trend items launch during the window, in spring and autumn collections. */
export function buildCatalog(random: Random, start: number, end: number): DemoProduct[] {
  const products: DemoProduct[] = [];
  const used = new Set<string>();
  let code = 20000;
  DEMO_CATEGORIES.forEach((cat, categoryIndex) => {
    for (let i = 0; i < 25; i++) {
      let name = "";
      for (let attempt = 0; attempt < 20; attempt++) {
        const noun = cat.nouns[random.int(cat.nouns.length)]!;
        name =
          random.next() < 0.5
            ? `${STYLES[random.int(STYLES.length)]} ${noun}`
            : `${noun} ${COLOURS[random.int(COLOURS.length)]}`;
        if (!used.has(name)) break;
      }
      used.add(name);
      const isTrend = i >= 18;
      const price = Math.max(0.35, cat.price * Math.exp(cat.spread * random.normal()));
      products.push({
        code: `${code}${isTrend ? "T" : ""}`,
        name,
        category: cat.name,
        categoryIndex,
        price: Math.round(price * 100) / 100,
        weight: Math.round(cat.weight * Math.exp(0.4 * random.normal()) * 1000) / 1000,
        isTrend,
        launchedAt: isTrend ? start + random.next() * (end - start) * 0.9 : start - 365 * 86_400_000,
      });
      code += 1 + random.int(7);
    }
  });
  return products;
}

const SURNAMES = [
  "Jansen",
  "de Vries",
  "Bakker",
  "Visser",
  "Smit",
  "Meijer",
  "Mulder",
  "Peeters",
  "Maes",
  "Schmidt",
  "Müller",
  "Fischer",
  "Dubois",
  "Laurent",
  "Hansen",
  "Nielsen",
  "Taylor",
  "Evans",
  "van Dijk",
  "Claes",
];
const SHOP_WORDS = [
  "Atelier",
  "Studio",
  "Maison",
  "Huis",
  "Corner",
  "Loft",
  "Hof",
  "Market",
  "Hub",
  "Depot",
  "Nest",
  "Bazaar",
];
const SHOP_THEMES = [
  "Lumen",
  "Flora",
  "Kado",
  "Noord",
  "Wonen",
  "Linde",
  "Zon",
  "Oak",
  "Mosaic",
  "Tulp",
  "Juni",
];

/** A shop-like trading name: "Studio Flora", "Bakker Wonen", "Maes & Co". */
export function shopName(random: Random, isLarge: boolean): string {
  const surname = SURNAMES[random.int(SURNAMES.length)]!;
  if (isLarge) {
    const suffix = ["Wholesale", "Retail Group", "Warenhuis", "Trading", "Stores"][random.int(5)]!;
    return `${surname} ${suffix}`;
  }
  const r = random.next();
  if (r < 0.4)
    return `${SHOP_WORDS[random.int(SHOP_WORDS.length)]} ${SHOP_THEMES[random.int(SHOP_THEMES.length)]}`;
  if (r < 0.75) return `${surname} ${SHOP_THEMES[random.int(SHOP_THEMES.length)]}`;
  return `${surname} & Co`;
}
