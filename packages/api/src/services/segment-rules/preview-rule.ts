import {
  isRuleGroup,
  type RuleCatalogue,
  type RuleFieldRef,
  type RuleNode,
  type RuleTree,
  ruleFieldKey,
} from "@strata/core";
import type { Tx } from "@strata/db";
import { type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { buildFieldCatalogue } from "./build-field-catalogue.js";
import { compileRuleSql } from "./compile-rule-sql.js";
import { cachedForLivePreview } from "./live-preview-cache.js";

/** Matching customers shown in a preview. */
export const PREVIEW_SAMPLE_SIZE = 20;
/** work_mem of the preview's transaction (set_config local: it ends with the transaction). */
export const PREVIEW_WORK_MEM = "64MB";
/** Fields of the rule shown beside each sampled customer. */
export const PREVIEW_SAMPLE_FIELDS = 3;

/**
 * Above this many customers the live preview counts a fixed sample of them (an id range: ids are
 * random uuids) and scales it, so it answers while the user types; saving counts exactly.
 */
export const PREVIEW_EXACT_UP_TO = 100_000;
/** Customers the live preview's sample aims at. */
export const PREVIEW_SAMPLE_TARGET = 10_000;

export const NO_MATCH_WARNING =
  "No customer matches this rule. It can be saved, but its segment will be empty until the data changes.";

export interface PreviewRuleParams {
  tenantId: string;
  /** A rule as `segmentRuleSchema` parses it (checked again here against the workspace's fields). */
  rule: unknown;
  /** Overlap with each segment of this (ML) segment set. */
  segmentSetId?: string | undefined;
  /** Hybrid segments: only members of this ML segment can match. */
  baseSegmentId?: string | undefined;
  /** The day `within_last_days` counts back from (default: now). */
  asOf?: Date | undefined;
  /** The workspace's fields, when the caller already has them (default: buildFieldCatalogue). */
  catalogue?: RuleCatalogue | undefined;
  /** `exact` counts every customer; `auto` (the live preview) samples big workspaces. */
  mode?: "exact" | "auto" | undefined;
  /** `auto` only: the workspace size above which it samples, and the sample it aims at. */
  exactUpTo?: number | undefined;
  sampleTarget?: number | undefined;
}

export interface RulePreview {
  asOf: string;
  /** Every customer of the workspace. */
  customers: number;
  matching: number;
  /** matching / customers (0 when the workspace has no customers). */
  customerShare: number;
  /** Sum of quantity * unit price over every order line of the workspace. */
  revenue: number;
  /** The same over the matching customers' lines. */
  matchingRevenue: number;
  /** matchingRevenue / revenue; null when the workspace has no revenue to share. */
  revenueShare: number | null;
  /** Keys (`attribute:country`) of the fields shown beside each sampled customer: the rule's first ones. */
  sampleFields: string[];
  /** Up to PREVIEW_SAMPLE_SIZE matching customers, by external id, with those fields' stored values. */
  sample: Array<{ id: string; externalId: string; values: Record<string, unknown> }>;
  /** With segmentSetId: matching customers in each segment of that set, in the set's order. */
  overlap: Array<{ segmentId: string; name: string; matching: number }> | null;
  /** Set when the rule matches nobody (allowed, but worth saying). */
  warning: string | null;
  /**
   * Null when every customer was counted; else the sample the figures were scaled from, with the
   * half-width of the 95% interval of `matching` (the count saving will give lies within it 19 times
   * in 20).
   */
  estimate: { sampled: number; matchingMargin: number } | null;
}

/** The uuid below which a share `fraction` of random uuids fall (uuids compare byte by byte). */
export function uuidBound(fraction: number): string {
  const hex = BigInt(Math.floor(Math.min(1, Math.max(0, fraction)) * 2 ** 52))
    .toString(16)
    .padStart(13, "0");
  const digits = `${hex}${"0".repeat(32 - 13)}`;
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

/**
 * The live preview of a rule while it is edited, in one SQL statement: how many customers match and
 * what share of customers and revenue they are, a sample of them, and how they spread over the
 * segments of an ML segment set. The rule is evaluated in the database (`compileRuleSql`), never
 * by reading customers into Node.
 */
export async function previewRule(tx: Tx, params: PreviewRuleParams): Promise<RulePreview> {
  const { tenantId } = params;
  const asOf = params.asOf ?? new Date();
  const catalogue = params.catalogue ?? (await buildFieldCatalogue(tx, tenantId));
  const where = compileRuleSql(params.rule, catalogue, asOf);
  const rule = params.rule as RuleTree;
  const shown = distinctFields(rule).slice(0, PREVIEW_SAMPLE_FIELDS);
  const usesFeatures = distinctFields(rule).some((f) => f.source === "feature");

  const base = params.baseSegmentId
    ? sql`and exists (select 1 from segment_memberships b
          where b.tenant_id = ${tenantId} and b.segment_id = ${params.baseSegmentId}::uuid and b.customer_id = c.id)`
    : sql``;
  // The features join only when the rule reads features: the scan of customers is the preview's cost.
  const features = usesFeatures
    ? sql`left join customer_features f on f.customer_id = c.id and f.tenant_id = ${tenantId}`
    : sql``;
  const sampleValues = shown.length
    ? sql`jsonb_build_object(${sql.join(
        shown.map(
          (f) =>
            sql`${ruleFieldKey(f)}::text, ${f.source === "attribute" ? sql`c.attributes` : sql`f.features`} -> ${f.name}::text`,
        ),
        sql`, `,
      )})`
    : sql`'{}'::jsonb`;
  const overlap: SQL = params.segmentSetId
    ? sql`(select coalesce(jsonb_agg(jsonb_build_object('segmentId', s.id, 'name', s.name, 'matching', coalesce(o.n, 0))
              order by s.position), '[]'::jsonb)
           from segments s
           left join (select sm.segment_id, count(*)::int as n
                      from segment_memberships sm join matched m on m.id = sm.customer_id
                      where sm.tenant_id = ${tenantId} and sm.segment_set_id = ${params.segmentSetId}::uuid
                      group by sm.segment_id) o on o.segment_id = s.id
           where s.tenant_id = ${tenantId} and s.segment_set_id = ${params.segmentSetId}::uuid)`
    : sql`null::jsonb`;
  const setFound = params.segmentSetId
    ? sql`exists (select 1 from segment_sets where tenant_id = ${tenantId} and id = ${params.segmentSetId}::uuid)`
    : sql`true`;
  const baseFound = params.baseSegmentId
    ? sql`exists (select 1 from segments where tenant_id = ${tenantId} and id = ${params.baseSegmentId}::uuid)`
    : sql`true`;

  // The matching customers are hashed against the order lines and memberships; with the default
  // work_mem (4 MB) a large match spills to disk in many batches (measured: seconds at 1M customers).
  await tx.execute(sql`select set_config('work_mem', ${PREVIEW_WORK_MEM}, true)`);
  const countCustomers = async () => {
    const [counted] = await queryRows<{ n: number | string }>(
      tx,
      sql`select count(*)::int as n from customers where tenant_id = ${tenantId}`,
    );
    return Number(counted?.n ?? 0);
  };
  const total =
    params.mode === "auto"
      ? await cachedForLivePreview(`customers:${tenantId}`, countCustomers)
      : await countCustomers();
  const sampling = (params.mode ?? "exact") === "auto" && total > (params.exactUpTo ?? PREVIEW_EXACT_UP_TO);
  const bound = sampling ? uuidBound((params.sampleTarget ?? PREVIEW_SAMPLE_TARGET) / total) : null;
  const inSample = bound ? sql`and c.id < ${bound}::uuid` : sql``;
  const linesInSample = bound ? sql`and ol.customer_id < ${bound}::uuid` : sql``;
  const [row] = await queryRows<{
    customers: number | string;
    matching: number | string;
    revenue: number | string | null;
    matching_revenue: number | string | null;
    sample: Array<{ id: string; externalId: string; values: Record<string, unknown> }> | string;
    overlap: RulePreview["overlap"] | string;
    set_found: boolean;
    base_found: boolean;
  }>(
    tx,
    sql`with matched as materialized (
          select c.id, c.external_id from customers c ${features}
          where c.tenant_id = ${tenantId} ${inSample} and ${where} ${base}
        )
        select
          (select count(*) from customers c where c.tenant_id = ${tenantId} ${inSample})::int as customers,
          (select count(*) from matched)::int as matching,
          (select coalesce(sum(ol.quantity * ol.unit_price), 0)::float8
           from order_lines ol where ol.tenant_id = ${tenantId} ${linesInSample}) as revenue,
          (select coalesce(sum(ol.quantity * ol.unit_price), 0)::float8
           from matched m join order_lines ol on ol.customer_id = m.id and ol.tenant_id = ${tenantId}) as matching_revenue,
          (select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'externalId', s.external_id, 'values', s.v)
                    order by s.external_id), '[]'::jsonb)
           from (select c.id, c.external_id, ${sampleValues} as v
                 from (select id from matched order by external_id limit ${PREVIEW_SAMPLE_SIZE}) t
                 join customers c on c.id = t.id ${features}) s) as sample,
          ${overlap} as overlap,
          ${setFound} as set_found,
          ${baseFound} as base_found`,
  );
  if (!row) throw new Error("previewRule: the preview statement returned no row");
  if (!row.set_found) throw new AppError("NOT_FOUND", "Segment set not found", "segmentSetId");
  if (!row.base_found) throw new AppError("NOT_FOUND", "Segment not found", "baseSegmentId");
  // Sampled: shares from the sample, counts and money scaled to the whole workspace.
  const sampled = Number(row.customers);
  const scale = sampling && sampled > 0 ? total / sampled : 1;
  const share = sampled === 0 ? 0 : Number(row.matching) / sampled;
  const matching = sampling ? Math.round(share * total) : Number(row.matching);
  const revenue = Number(row.revenue ?? 0) * scale;
  const matchingRevenue = Number(row.matching_revenue ?? 0) * scale;
  const margin = sampling
    ? Math.round(1.96 * Math.sqrt((share * (1 - share)) / Math.max(1, sampled)) * total)
    : 0;
  const overlapRows = parseJson<RulePreview["overlap"]>(row.overlap);
  return {
    asOf: asOf.toISOString(),
    customers: sampling ? total : sampled,
    matching,
    customerShare: share,
    revenue,
    matchingRevenue,
    revenueShare: revenue === 0 ? null : matchingRevenue / revenue,
    sampleFields: shown.map(ruleFieldKey),
    sample: parseJson(row.sample),
    overlap:
      overlapRows && sampling
        ? overlapRows.map((o) => ({ ...o, matching: Math.round(o.matching * scale) }))
        : overlapRows,
    warning:
      Number(row.matching) > 0
        ? null
        : sampling
          ? `No customer of a sample of ${sampled.toLocaleString("en")} matches this rule, so few or none of the ${total.toLocaleString("en")} will; saving counts them all.`
          : NO_MATCH_WARNING,
    estimate: sampling ? { sampled, matchingMargin: margin } : null,
  };
}

/** The fields a rule names, each once, in the order they first appear. */
export function distinctFields(rule: RuleTree): RuleFieldRef[] {
  const seen = new Map<string, RuleFieldRef>();
  const visit = (node: RuleNode) => {
    if (isRuleGroup(node)) node.conditions.forEach(visit);
    else if (!seen.has(ruleFieldKey(node.field))) seen.set(ruleFieldKey(node.field), node.field);
  };
  visit(rule);
  return [...seen.values()];
}

/** node-postgres parses jsonb; PGlite does too, but be lenient with text. */
function parseJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}
