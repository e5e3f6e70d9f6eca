import { runs, type SurrogateCondition, type SurrogateRule, type Tx } from "@strata/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";

/** The parts of a run's result document that segment publishing reads. */
export interface PublishableResult {
  k: number;
  sizes: number[];
  names: string[];
  hasNoise: boolean;
  /** Per segment (index = position), its surrogate rules, structured, and their text. */
  rules: Array<{ structured: SurrogateRule[]; text: string | null }>;
  /** The fitted model, when the run kept it. */
  model: Record<string, unknown> | null;
}

interface StoredRule {
  text?: string;
  support?: number;
  precision?: number;
  conditions?: Array<{ feature: string; op: "<=" | ">"; threshold: number }>;
}

/** `recency_days <= 31 and frequency > 6` back into conditions (runs from before they were stored). */
export function parseRuleText(text: string): SurrogateCondition[] | null {
  if (text === "all customers") return [];
  const conditions: SurrogateCondition[] = [];
  for (const part of text.split(" and ")) {
    const m = /^(.+) (<=|>) (-?[\d.]+(?:e[+-]?\d+)?)$/.exec(part.trim());
    if (!m) return null;
    conditions.push({ feature: m[1]!, operator: m[2] as "<=" | ">", threshold: Number(m[3]) });
  }
  return conditions;
}

function assertSucceeded(run: { status: string; hasResult: boolean } | undefined): void {
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  if (run.status !== "succeeded" || !run.hasResult) {
    throw new AppError(
      "PRECONDITION_FAILED",
      `This run has no result to use (it is ${run.status}). Only a finished run can be published or compared.`,
    );
  }
}

/** A succeeded run of the tenant, or a clear error for any other. */
export async function getSucceededRun(tx: Tx, params: { tenantId: string; runId: string }) {
  const [run] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.runId)));
  assertSucceeded(run && { status: run.status, hasResult: run.result !== null });
  return run!;
}

/** The same check without reading the (large) result document. */
export async function assertRunSucceeded(tx: Tx, params: { tenantId: string; runId: string }): Promise<void> {
  const [run] = await tx
    .select({ status: runs.status, hasResult: sql<boolean>`${runs.result} is not null` })
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.runId)));
  assertSucceeded(run);
}

export function publishableResult(result: Record<string, unknown>): PublishableResult {
  const k = typeof result.k === "number" ? result.k : 0;
  const sizes = Array.isArray(result.sizes) ? (result.sizes as number[]) : [];
  const explanation = result.explanation as {
    segments?: Array<{ name?: string; rules?: StoredRule[] }>;
    noise?: number;
  } | null;
  const names = Array.from({ length: k }, (_, s) => explanation?.segments?.[s]?.name ?? `Segment ${s + 1}`);
  const isDbscan = result.algorithm === "dbscan";
  const details = result.algorithmDetails as { noise?: number } | undefined;
  const rules = Array.from({ length: k }, (_, s) => {
    const stored = explanation?.segments?.[s]?.rules ?? [];
    const structured: SurrogateRule[] = [];
    for (const r of stored) {
      const conditions = r.conditions
        ? r.conditions.map((c) => ({ feature: c.feature, operator: c.op, threshold: c.threshold }))
        : parseRuleText(r.text ?? "");
      if (conditions)
        structured.push({
          conditions,
          ...(r.support !== undefined ? { support: r.support } : {}),
          ...(r.precision !== undefined ? { precision: r.precision } : {}),
        });
    }
    const text = stored.map((r) => r.text).filter((t): t is string => !!t);
    return { structured, text: text.length > 0 ? text.join("\nor ") : null };
  });
  const model =
    result.model && typeof result.model === "object" ? (result.model as Record<string, unknown>) : null;
  return { k, sizes, names, hasNoise: isDbscan && (details?.noise ?? 0) > 0, rules, model };
}
