import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { segmentRuleSchema } from "@strata/contract";
import { evaluateRule, type RuleCatalogue, type RuleTree } from "@strata/core";
import { testDrivers, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/errors.js";
import { queryRows } from "../src/jobs/run-data.js";
import { seedDemoData } from "../src/services/import/seed-demo-data.js";
import { buildFieldCatalogue } from "../src/services/segment-rules/build-field-catalogue.js";
import { compileRuleSql } from "../src/services/segment-rules/compile-rule-sql.js";
import { NO_MATCH_WARNING, previewRule, uuidBound } from "../src/services/segment-rules/preview-rule.js";
import { openHarness } from "./harness.js";

const DEMO_CUSTOMERS = 300;
/** The demo's history ends on 2026-06-30; rules are evaluated as of then, whatever today is. */
const AS_OF = new Date("2026-06-30T12:00:00Z");

interface StoredCustomer {
  id: string;
  external_id: string;
  attributes: Record<string, unknown>;
  features: Record<string, unknown> | null;
}

const attribute = (name: string) => ({ source: "attribute", name }) as const;
const feature = (name: string) => ({ source: "feature", name }) as const;

/**
 * Rules over the demo retailer covering every operator, attributes and features, AND/OR nesting,
 * numbers stored as text, empty and missing values. Thresholds sit inside the demo's ranges so the
 * rules match some customers and not others.
 */
function rulesFor(): Array<{ name: string; rule: RuleTree }> {
  const rule = (op: "and" | "or", conditions: RuleTree["conditions"]): RuleTree => ({ op, conditions });
  return [
    { name: "eq number", rule: rule("and", [{ field: attribute("employees"), operator: "eq", value: 3 }]) },
    { name: "ne number", rule: rule("and", [{ field: attribute("employees"), operator: "ne", value: 3 }]) },
    { name: "lt", rule: rule("and", [{ field: feature("monetary"), operator: "lt", value: 500 }]) },
    { name: "lte", rule: rule("and", [{ field: feature("frequency"), operator: "lte", value: 6 }]) },
    { name: "gt", rule: rule("and", [{ field: feature("monetary"), operator: "gt", value: 2000 }]) },
    { name: "gte", rule: rule("and", [{ field: attribute("employees"), operator: "gte", value: 5 }]) },
    {
      name: "between",
      rule: rule("and", [{ field: feature("recency_days"), operator: "between", value: [30, 200] }]),
    },
    {
      name: "in",
      rule: rule("and", [{ field: attribute("country"), operator: "in", value: ["France", "Belgium"] }]),
    },
    {
      name: "not_in",
      rule: rule("and", [{ field: attribute("country"), operator: "not_in", value: ["Germany"] }]),
    },
    {
      name: "eq category",
      rule: rule("and", [{ field: feature("rfm_segment"), operator: "eq", value: "Loyal" }]),
    },
    {
      name: "ne category",
      rule: rule("and", [{ field: attribute("city"), operator: "ne", value: "Amiens" }]),
    },
    {
      name: "within_last_days",
      rule: rule("and", [{ field: attribute("signup_date"), operator: "within_last_days", value: 1400 }]),
    },
    {
      name: "before",
      rule: rule("and", [{ field: attribute("signup_date"), operator: "before", value: "2021-06-01" }]),
    },
    {
      name: "after",
      rule: rule("and", [{ field: attribute("signup_date"), operator: "after", value: "2022-01-31" }]),
    },
    { name: "is_missing", rule: rule("and", [{ field: feature("monetary"), operator: "is_missing" }]) },
    { name: "is_present", rule: rule("and", [{ field: attribute("employees"), operator: "is_present" }]) },
    {
      name: "and of an or (attributes and features)",
      rule: rule("and", [
        { field: attribute("customer_type"), operator: "in", value: ["occasional", "value seeker", "loyal"] },
        {
          op: "or",
          conditions: [
            { field: feature("frequency"), operator: "gte", value: 10 },
            { field: attribute("loyalty_member"), operator: "eq", value: "yes" },
            {
              op: "and",
              conditions: [
                { field: attribute("employees"), operator: "between", value: [2, 4] },
                { field: feature("recency_days"), operator: "lt", value: 90 },
              ],
            },
          ],
        },
      ]),
    },
    {
      name: "or of ands with missing values",
      rule: rule("or", [
        rule("and", [
          { field: attribute("employees"), operator: "is_missing" },
          { field: attribute("country"), operator: "ne", value: "France" },
        ]),
        rule("and", [
          { field: feature("monetary"), operator: "is_present" },
          { field: attribute("signup_date"), operator: "after", value: "2021-01-01" },
          { field: attribute("country"), operator: "not_in", value: ["Netherlands", "Belgium"] },
        ]),
      ]),
    },
    {
      name: "nobody",
      rule: rule("and", [{ field: feature("monetary"), operator: "gt", value: 1e12 }]),
    },
  ];
}

describe.each(testDrivers())("rule segments on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let tenantId: string;
  let dataDir: string;
  let catalogue: RuleCatalogue;
  let stored: StoredCustomer[];
  let revenueOf: Map<string, number>;
  let segmentSetId: string;
  let segmentIds: string[];

  const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(h.database.db, tenantId, fn);

  beforeAll(async () => {
    h = await openHarness(driver);
    const { tenant } = await h.newWorkspace("rules");
    tenantId = tenant.id;
    dataDir = mkdtempSync(join(tmpdir(), "strata-rules-"));
    const summary = await seedDemoData(h.database, tenantId, { customers: DEMO_CUSTOMERS, dataDir });
    expect(summary.customers).toMatchObject({ status: "succeeded" });
    // Values the importer never writes but a re-import or the ingestion API can: numbers as text
    // (read as numbers), text that is no number, empty text and a missing key (both missing), a
    // date with a time, a category stored as a number.
    const edits: Array<[string, string]> = [
      [`jsonb_set(attributes, '{employees}', '"3"')`, "1"],
      [`jsonb_set(attributes, '{employees}', '"5.0"')`, "2"],
      [`jsonb_set(attributes, '{employees}', '"n/a"')`, "3"],
      [`jsonb_set(attributes, '{employees}', 'null')`, "4"],
      [`attributes - 'employees'`, "5"],
      [`jsonb_set(attributes, '{country}', '""')`, "6"],
      [`jsonb_set(attributes, '{signup_date}', '"2022-03-04T10:00:00Z"')`, "7"],
      [`jsonb_set(attributes, '{city}', '75001')`, "8"],
    ];
    for (const [expression, suffix] of edits) {
      await h.database.query(
        `update customers set attributes = ${expression}
         where id = (select id from customers where tenant_id = $1 order by external_id offset $2 limit 1)`,
        [tenantId, Number(suffix) * 7],
      );
    }
    catalogue = await inTenant((tx) => buildFieldCatalogue(tx, tenantId));
    stored = await inTenant((tx) =>
      queryRows<StoredCustomer>(
        tx,
        sql`select c.id, c.external_id, c.attributes, f.features
            from customers c left join customer_features f on f.customer_id = c.id
            where c.tenant_id = ${tenantId} order by c.external_id`,
      ),
    );
    const lines = await h.database.query<{ customer_id: string; quantity: number; unit_price: number }>(
      "select customer_id, quantity, unit_price from order_lines where tenant_id = $1",
      [tenantId],
    );
    revenueOf = new Map();
    for (const l of lines.rows) {
      revenueOf.set(l.customer_id, (revenueOf.get(l.customer_id) ?? 0) + l.quantity * l.unit_price);
    }
    // An ML segment set: customers dealt round-robin over three segments.
    segmentSetId = randomUUID();
    segmentIds = [randomUUID(), randomUUID(), randomUUID()];
    await h.database.query(
      "insert into segment_sets (id, tenant_id, name) values ($1, $2, 'Rule test set')",
      [segmentSetId, tenantId],
    );
    for (const [i, id] of segmentIds.entries()) {
      await h.database.query(
        "insert into segments (id, tenant_id, segment_set_id, position, name, color) values ($1, $2, $3, $4, $5, '#336699')",
        [id, tenantId, segmentSetId, i, `Segment ${i + 1}`],
      );
    }
    await h.database.query(
      `insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id)
       select $1, c.id, ($3::uuid[])[1 + (row_number() over (order by c.external_id) % 3)::int], $2
       from customers c where c.tenant_id = $2`,
      [segmentSetId, tenantId, `{${segmentIds.join(",")}}`],
    );
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await h?.cleanup();
  });

  it("lists attributes and features, namespaced and typed, with common values for categories", () => {
    const byKey = new Map(catalogue.map((f) => [f.key, f]));
    expect(byKey.get("attribute:employees")).toMatchObject({ type: "number" });
    expect(byKey.get("attribute:signup_date")).toMatchObject({ type: "date" });
    expect(byKey.get("attribute:country")).toMatchObject({ type: "category" });
    expect(byKey.get("attribute:country")!.topValues).toEqual(expect.arrayContaining(["France", "Germany"]));
    expect(byKey.get("feature:monetary")).toMatchObject({ source: "feature", type: "number" });
    expect(byKey.get("feature:country")).toMatchObject({ source: "feature", type: "category" });
    expect(byKey.get("feature:rfm_segment")!.topValues!.length).toBeGreaterThan(1);
  });

  it("matches in SQL exactly the customers the core reference evaluator matches, for every operator", async () => {
    const counts: Record<string, number> = {};
    for (const { name, rule } of rulesFor()) {
      expect(segmentRuleSchema.parse(rule), name).toEqual(rule);
      const expected = stored.filter((c) => evaluateRule(rule, c, AS_OF)).map((c) => c.id);
      const actual = await inTenant((tx) =>
        queryRows<{ id: string }>(
          tx,
          sql`select c.id from customers c left join customer_features f on f.customer_id = c.id
              where c.tenant_id = ${tenantId} and ${compileRuleSql(rule, catalogue, AS_OF)}
              order by c.external_id`,
        ),
      );
      expect(
        actual.map((r) => r.id),
        name,
      ).toEqual(expected);
      counts[name] = expected.length;
    }
    // Numbers stored as text compare as numbers; text that is no number and empty text match nothing.
    const eq3 = rulesFor().find((r) => r.name === "eq number")!.rule;
    expect(stored[7]!.attributes.employees).toBe("3");
    expect(evaluateRule(eq3, stored[7]!, AS_OF)).toBe(true);
    expect(stored[21]!.attributes.employees).toBe("n/a");
    // The rules discriminate: each but "nobody" matches some customers and misses others.
    for (const [name, n] of Object.entries(counts)) {
      if (name === "nobody") expect(n).toBe(0);
      else expect(n, name).toBeGreaterThan(0);
      expect(n, name).toBeLessThan(stored.length);
    }
  });

  it("previews shares of customers and revenue, a sample and the overlap with each ML segment", async () => {
    const rule = rulesFor().find((r) => r.name === "and of an or (attributes and features)")!.rule;
    const matched = stored.filter((c) => evaluateRule(rule, c, AS_OF));
    const preview = await inTenant((tx) => previewRule(tx, { tenantId, rule, segmentSetId, asOf: AS_OF }));
    const total = [...revenueOf.values()].reduce((a, b) => a + b, 0);
    const matchedRevenue = matched.reduce((a, c) => a + (revenueOf.get(c.id) ?? 0), 0);
    expect(preview).toMatchObject({
      customers: stored.length,
      matching: matched.length,
      warning: null,
      sampleFields: ["attribute:customer_type", "feature:frequency", "attribute:loyalty_member"],
    });
    expect(preview.customerShare).toBeCloseTo(matched.length / stored.length, 12);
    expect(preview.revenue).toBeCloseTo(total, 4);
    expect(preview.matchingRevenue).toBeCloseTo(matchedRevenue, 4);
    expect(preview.revenueShare).toBeCloseTo(matchedRevenue / total, 9);
    expect(preview.sample.map((s) => s.externalId)).toEqual(matched.slice(0, 20).map((c) => c.external_id));
    const first = matched[0]!;
    expect(preview.sample[0]!.values).toEqual({
      "attribute:customer_type": first.attributes.customer_type,
      "feature:frequency": first.features?.frequency ?? null,
      "attribute:loyalty_member": first.attributes.loyalty_member,
    });
    const ids = stored.map((c) => c.id);
    const expectedOverlap = segmentIds.map((segmentId, i) => ({
      segmentId,
      name: `Segment ${i + 1}`,
      matching: matched.filter((c) => (ids.indexOf(c.id) + 1) % 3 === i).length,
    }));
    expect(preview.overlap).toEqual(expectedOverlap);
    expect(preview.overlap!.reduce((a, o) => a + o.matching, 0)).toBe(matched.length);
  });

  it("counts a big workspace's live preview on a sample of customers, within the margin it states", async () => {
    const rule = rulesFor().find((r) => r.name === "and of an or (attributes and features)")!.rule;
    const exact = stored.filter((c) => evaluateRule(rule, c, AS_OF)).length;
    const preview = await inTenant((tx) =>
      previewRule(tx, {
        tenantId,
        rule,
        segmentSetId,
        asOf: AS_OF,
        mode: "auto",
        exactUpTo: 50,
        sampleTarget: 150,
      }),
    );
    expect(preview.customers).toBe(stored.length);
    expect(preview.estimate).not.toBeNull();
    const sampled = preview.estimate!.sampled;
    // The sample is the customers whose (random) id falls in the first half of the id range.
    expect(sampled).toBe(stored.filter((c) => c.id < uuidBound(150 / stored.length)).length);
    expect(sampled).toBeGreaterThan(100);
    expect(sampled).toBeLessThan(stored.length);
    expect(Math.abs(preview.matching - exact)).toBeLessThanOrEqual(
      preview.estimate!.matchingMargin * 1.5 + 1,
    );
    expect(preview.overlap!.reduce((a, o) => a + o.matching, 0)).toBeCloseTo(preview.matching, -1);
    // Saving counts exactly: the default mode, and small workspaces in auto mode.
    const small = await inTenant((tx) => previewRule(tx, { tenantId, rule, asOf: AS_OF, mode: "auto" }));
    expect(small).toMatchObject({ matching: exact, estimate: null });
  });

  it("narrows an ML segment for a hybrid segment", async () => {
    const rule = rulesFor().find((r) => r.name === "gte")!.rule;
    const members = new Set(stored.filter((_, i) => (i + 1) % 3 === 1).map((c) => c.id));
    const preview = await inTenant((tx) =>
      previewRule(tx, { tenantId, rule, baseSegmentId: segmentIds[1], asOf: AS_OF }),
    );
    expect(preview.matching).toBe(
      stored.filter((c) => members.has(c.id) && evaluateRule(rule, c, AS_OF)).length,
    );
    expect(preview.overlap).toBeNull();
  });

  it("allows a rule that matches nobody, with a warning", async () => {
    const rule = rulesFor().find((r) => r.name === "nobody")!.rule;
    const preview = await inTenant((tx) => previewRule(tx, { tenantId, rule, segmentSetId, asOf: AS_OF }));
    expect(preview).toMatchObject({ matching: 0, customerShare: 0, matchingRevenue: 0, revenueShare: 0 });
    expect(preview.sample).toEqual([]);
    expect(preview.overlap!.map((o) => o.matching)).toEqual([0, 0, 0]);
    expect(preview.warning).toBe(NO_MATCH_WARNING);
  });

  it("refuses a bad rule with BAD_REQUEST naming the path inside the rule", async () => {
    const gt = { field: feature("monetary"), operator: "gt", value: 10 };
    const cases: Array<[unknown, string, RegExp]> = [
      [
        { op: "and", conditions: [gt, { op: "or", conditions: [{ ...gt, field: attribute("age") }] }] },
        "conditions[1].conditions[0].field",
        /unknown field attribute:age/,
      ],
      [
        { op: "and", conditions: [gt, { field: attribute("employees"), operator: "in", value: ["3"] }] },
        "conditions[1].operator",
        /operator in is not allowed for a number field/,
      ],
      [
        { op: "or", conditions: [{ field: attribute("signup_date"), operator: "before", value: 2021 }] },
        "conditions[0].value",
        /YYYY-MM-DD/,
      ],
      [{ op: "and", conditions: [gt, { op: "and", conditions: [] }] }, "conditions[1].conditions", /empty/],
    ];
    for (const [rule, field, message] of cases) {
      const error = await inTenant((tx) => previewRule(tx, { tenantId, rule, asOf: AS_OF })).catch((e) => e);
      expect(error, field).toBeInstanceOf(AppError);
      expect(error, field).toMatchObject({
        code: "BAD_REQUEST",
        field,
        message: expect.stringMatching(message),
      });
    }
  });

  it("answers NOT_FOUND for a segment set of another workspace", async () => {
    const { tenant: other } = await h.newWorkspace("rules-other");
    const rule = rulesFor()[0]!.rule;
    const error = await withTenant(h.database.db, other.id, (tx) =>
      previewRule(tx, { tenantId: other.id, rule, segmentSetId, asOf: AS_OF, catalogue }),
    ).catch((e) => e);
    expect(error).toMatchObject({ code: "NOT_FOUND", field: "segmentSetId" });
  });
});
