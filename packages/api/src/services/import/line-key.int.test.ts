import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type KeyedLineFields,
  orderLineContentKey,
  pgEpochText,
  pgFloat8Text,
  RepeatedLineKeys,
} from "./line-key.js";

// Lines imported before the key moved out of SQL were keyed by this expression: the file read now
// must give them the same keys, or importing the same file again would add its lines twice.
const SQL_KEY = `md5(concat_ws('|', $1::text, $2::text, extract(epoch from $3::timestamptz)::text, $4::float8::text,
  $5::float8::text, $6::text, $7::text, $8::text, $9::text, $10::text, $11::float8::text))::uuid::text as k`;

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  6,
  2.55,
  0.1,
  1e-4,
  1.5e-5,
  1e-5,
  0.000123,
  123456789012345,
  1e15,
  1.25e15,
  1e21,
  3e-7,
  -2.5e-9,
  80995,
  -80995,
  0.001,
  1 / 3,
  2 / 3,
  1e300,
  -1e-300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  38970.00000000001,
  4.611114,
  649.5,
  0.29,
  8142.75,
];

const TIMES = [
  Date.UTC(2010, 11, 1, 8, 26),
  Date.UTC(2011, 11, 9, 12, 50, 1, 7),
  Date.UTC(1969, 11, 31, 23, 59, 58, 500),
  0,
  -1,
  Date.UTC(1900, 0, 1),
];

function line(i: number): KeyedLineFields {
  const n = (k: number) => NUMBERS[(i + k) % NUMBERS.length]!;
  return {
    customerId: i % 3 === 0 ? "17850" : `c-${i}|ü`,
    invoiceId: i % 4 === 0 ? null : `C5363${i}`,
    orderedAt: TIMES[i % TIMES.length]!,
    quantity: n(0),
    unitPrice: n(7),
    product: i % 5 === 0 ? null : `85123A ${"é".repeat(i % 3)}\t"x"`,
    category: i % 2 === 0 ? null : "Décor",
    channel: i % 3 === 1 ? "web" : null,
    country: "United Kingdom",
    region: i % 7 === 0 ? "North" : null,
    weight: i % 2 === 0 ? null : n(13),
  };
}

/** A number as a query parameter (String(-0) is "0"). */
const text = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

describe.each(testDrivers())("order line keys on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDb(driver);
  });
  afterAll(() => database?.cleanup());

  it("the key computed while reading is the key the database computed from the stored line", async () => {
    for (let i = 0; i < NUMBERS.length * 2; i++) {
      const l = line(i);
      const { rows } = await database.query<{ k: string }>(`select ${SQL_KEY}`, [
        l.customerId,
        l.invoiceId,
        new Date(l.orderedAt).toISOString(),
        text(l.quantity),
        text(l.unitPrice),
        l.product,
        l.category,
        l.channel,
        l.country,
        l.region,
        l.weight === null ? null : text(l.weight),
      ]);
      expect(orderLineContentKey(l), JSON.stringify(l)).toBe(rows[0]!.k);
    }
  });

  it("repeated lines are keyed by their occurrence number as the database numbered them", async () => {
    const contents = ["a", "b", "a", "c", "a", "b"].map((c) =>
      orderLineContentKey({ ...line(0), product: c }),
    );
    const keys = new RepeatedLineKeys();
    const read = contents.map((k) => keys.keyOf(k));
    // What the load computed in SQL before (partitioned by content key, numbered in file order).
    const { rows } = await database.query<{ k: string }>(
      `select case when n = 1 then k else md5(k::text || ':' || n)::uuid end::text as k
       from (select k, line, row_number() over (partition by k order by line) as n
             from unnest($1::uuid[]) with ordinality as t(k, line)) s order by line`,
      [contents],
    );
    expect(read).toEqual(rows.map((r) => r.k));
    expect(new Set(read).size).toBe(read.length);
  });

  it("numbers and instants print as the database prints them", async () => {
    for (const v of NUMBERS) {
      const { rows } = await database.query<{ t: string }>("select $1::float8::text as t", [text(v)]);
      expect(pgFloat8Text(v), String(v)).toBe(rows[0]!.t);
    }
    for (const t of TIMES) {
      const { rows } = await database.query<{ t: string }>(
        "select extract(epoch from $1::timestamptz)::text as t",
        [new Date(t).toISOString()],
      );
      expect(pgEpochText(t), String(t)).toBe(rows[0]!.t);
    }
  });
});
