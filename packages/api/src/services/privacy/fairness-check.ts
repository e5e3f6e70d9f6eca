import type { Tx } from "@strata/db";
import { type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { getSegmentSet } from "../segment/list-segment-sets.js";
import { listPersonalKeys } from "./personal-columns.js";

/** Values kept by name; the rarer ones are summed as "Other" so a segment's split stays readable. */
export const MAX_VALUES = 12;
/**
 * Total variation distance between a segment's split and the population's: the share of the segment
 * that would have to change value for the two to match. At or above STRONG the card warns.
 */
export const MODERATE_SKEW = 0.15;
export const STRONG_SKEW = 0.3;
/** Attributes with more distinct values than this (ids, amounts) are not offered for the check. */
const MAX_OFFERED_DISTINCT = 50;

export interface FairnessParams {
  tenantId: string;
  segmentSetId?: string | undefined;
  runId?: string | undefined;
  attribute?: string | undefined;
  canSeePersonal: boolean;
}

interface Cell {
  group: string;
  value: string;
  n: number;
  group_n: number;
  value_n: number;
  total: number;
  tvd: number;
  chi2: number;
}

/**
 * How each segment of a segment set (or each cluster of a run) splits by one customer attribute,
 * against the whole population of the set: per segment the share of each value beside the
 * population's, the total variation distance between the two (0: the same split; 1: nothing in
 * common) and a warning when it reaches STRONG_SKEW; for the whole table chi-square and Cramér's V.
 * Counted in one SQL statement. Without `attribute` it answers only the attributes that can be checked.
 */
export async function checkFairness(tx: Tx, params: FairnessParams) {
  const { tenantId } = params;
  if ((params.segmentSetId === undefined) === (params.runId === undefined))
    throw new AppError("BAD_REQUEST", "Name a segment set or a run to check.", "segmentSetId");
  const groups = await groupsOf(tx, params);
  const personal = await listPersonalKeys(tx, tenantId);
  const attributes = await offeredAttributes(tx, params, personal);
  if (params.attribute === undefined) return { attributes, result: null };
  const attribute = params.attribute;
  if (personal.has(attribute) && !params.canSeePersonal)
    throw new AppError(
      "FORBIDDEN",
      `"${attribute}" is a personal column: checking segments by it needs the editor role or higher.`,
      "attribute",
    );
  const known = await queryRows<{ ok: number }>(
    tx,
    sql`select 1 as ok from customers where tenant_id = ${tenantId} and attributes ? ${attribute} limit 1`,
  );
  if (known.length === 0)
    throw new AppError("BAD_REQUEST", `No customer has the attribute "${attribute}".`, "attribute");

  const cells = await queryRows<Cell>(
    tx,
    sql`with m as (
          select g.grp, coalesce(nullif(c.attributes ->> ${attribute}, ''), '(missing)') as v
          from (${groups.members}) g join customers c on c.id = g.customer_id and c.tenant_id = ${tenantId}
        ),
        ranked as (select v, row_number() over (order by count(*) desc, v) as r from m group by v),
        b as (select m.grp, case when ranked.r <= ${MAX_VALUES} then m.v else 'Other' end as v
              from m join ranked using (v)),
        cell as (select grp, v, count(*)::float8 as n from b group by grp, v),
        grp as (select grp, sum(n) as n from cell group by grp),
        val as (select v, sum(n) as n from cell group by v),
        tot as (select sum(n) as n from cell),
        grid as (
          select g.grp, val.v, coalesce(cell.n, 0) as n, g.n as group_n, val.n as value_n, tot.n as total
          from grp g cross join val cross join tot
          left join cell on cell.grp = g.grp and cell.v = val.v)
        select grp as "group", v as value, n, group_n, value_n, total,
          0.5 * sum(abs(n / group_n - value_n / total)) over (partition by grp) as tvd,
          sum((n - group_n * value_n / total) ^ 2 / (group_n * value_n / total)) over () as chi2
        from grid order by grp, value_n desc, v`,
  );
  const values = [...new Set(cells.map((c) => c.value))];
  if (values.length < 2)
    throw new AppError(
      "BAD_REQUEST",
      `"${attribute}" has ${values.length === 0 ? "no value" : "one value"} in this population: there is no split to compare.`,
      "attribute",
    );
  const total = Number(cells[0]!.total);
  const population = values.map((value) => {
    const n = Number(cells.find((c) => c.value === value)!.value_n);
    return { value, count: n, share: n / total };
  });
  const segments = groups.list
    .map((g) => {
      const own = cells.filter((c) => c.group === g.key);
      if (own.length === 0) return null;
      const size = Number(own[0]!.group_n);
      const skew = Number(own[0]!.tvd);
      const split = own.map((c) => ({
        value: c.value,
        count: Number(c.n),
        share: Number(c.n) / size,
        populationShare: Number(c.value_n) / total,
      }));
      const most = [...split].sort(
        (a, b) => Math.abs(b.share - b.populationShare) - Math.abs(a.share - a.populationShare),
      )[0]!;
      return {
        key: g.key,
        name: g.name,
        color: g.color,
        size,
        split,
        skew,
        level: skew >= STRONG_SKEW ? "strong" : skew >= MODERATE_SKEW ? "moderate" : "none",
        warning:
          skew >= STRONG_SKEW
            ? `${g.name} is strongly skewed by ${attribute}: ${pct(most.share)} ${most.value} against ${pct(most.populationShare)} of all customers.`
            : null,
      } as const;
    })
    .filter((s) => s !== null);
  const chi2 = Number(cells[0]!.chi2);
  const k = Math.min(values.length, segments.length);
  return {
    attributes,
    result: {
      attribute,
      isPersonal: personal.has(attribute),
      customers: total,
      population,
      segments,
      chiSquare: chi2,
      degreesOfFreedom: (values.length - 1) * (segments.length - 1),
      cramersV: k > 1 ? Math.sqrt(chi2 / (total * (k - 1))) : 0,
      thresholds: { moderate: MODERATE_SKEW, strong: STRONG_SKEW },
    },
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The members of each group (a set's segments or a run's clusters) as SQL, and the groups' names. */
async function groupsOf(tx: Tx, params: FairnessParams) {
  const { tenantId } = params;
  if (params.segmentSetId !== undefined) {
    const set = await getSegmentSet(tx, { tenantId, id: params.segmentSetId });
    const members: SQL = sql`select sm.segment_id::text as grp, sm.customer_id from segment_memberships sm
      where sm.tenant_id = ${tenantId} and sm.segment_set_id = ${set.id}`;
    const list = set.segments.map((s) => ({
      key: s.id as string,
      name: s.name as string,
      color: s.color as string,
    }));
    return { members, list };
  }
  const [run] = await queryRows<{ id: string; k: number | null }>(
    tx,
    sql`select id, (result ->> 'k')::int as k from runs
        where tenant_id = ${tenantId} and id = ${params.runId!} and status = 'succeeded'`,
  );
  if (!run) throw new AppError("NOT_FOUND", "Run not found, or it has no result yet");
  const labels = await queryRows<{ segment: number }>(
    tx,
    sql`select distinct segment from run_assignments where run_id = ${run.id} and tenant_id = ${tenantId} order by 1`,
  );
  const members: SQL = sql`select ra.segment::text as grp, ra.customer_id from run_assignments ra
    where ra.tenant_id = ${tenantId} and ra.run_id = ${run.id}`;
  const list = labels.map((l) => ({
    key: String(l.segment),
    name: l.segment < 0 ? "Noise" : `Segment ${l.segment + 1}`,
    color: "",
  }));
  return { members, list };
}

/** Customer attributes with 2..MAX_OFFERED_DISTINCT values; personal ones only for who may see them. */
async function offeredAttributes(tx: Tx, params: FairnessParams, personal: ReadonlySet<string>) {
  const rows = await queryRows<{ key: string; n: number | string }>(
    tx,
    sql`select a.key, count(distinct a.value) as n
        from customers c, jsonb_each_text(c.attributes) a
        where c.tenant_id = ${params.tenantId} and a.value <> ''
        group by a.key having count(distinct a.value) between 2 and ${MAX_OFFERED_DISTINCT}
        order by a.key`,
  );
  return rows
    .filter((r) => params.canSeePersonal || !personal.has(r.key))
    .map((r) => ({ key: r.key, values: Number(r.n), isPersonal: personal.has(r.key) }));
}
