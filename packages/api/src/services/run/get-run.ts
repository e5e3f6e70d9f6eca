import { runs, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

export async function getRun(tx: Tx, params: { tenantId: string; id: string }) {
  const [run] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.id)));
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  return run;
}
