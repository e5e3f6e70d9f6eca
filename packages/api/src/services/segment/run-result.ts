import { runs, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

/** The parts of a run's result document that segment publishing reads. */
export interface PublishableResult {
  k: number;
  sizes: number[];
  names: string[];
  hasNoise: boolean;
}

/** A succeeded run of the tenant, or a clear error for any other. */
export async function getSucceededRun(tx: Tx, params: { tenantId: string; runId: string }) {
  const [run] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.runId)));
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  if (run.status !== "succeeded" || !run.result) {
    throw new AppError(
      "PRECONDITION_FAILED",
      `This run has no result to use (it is ${run.status}). Only a finished run can be published or compared.`,
    );
  }
  return run;
}

export function publishableResult(result: Record<string, unknown>): PublishableResult {
  const k = typeof result.k === "number" ? result.k : 0;
  const sizes = Array.isArray(result.sizes) ? (result.sizes as number[]) : [];
  const explanation = result.explanation as { segments?: Array<{ name?: string }>; noise?: number } | null;
  const names = Array.from({ length: k }, (_, s) => explanation?.segments?.[s]?.name ?? `Segment ${s + 1}`);
  const isDbscan = result.algorithm === "dbscan";
  const details = result.algorithmDetails as { noise?: number } | undefined;
  return { k, sizes, names, hasNoise: isDbscan && (details?.noise ?? 0) > 0 };
}
