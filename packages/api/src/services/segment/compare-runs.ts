import { adjustedRandIndex } from "@strata/core";
import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { getSucceededRun } from "./run-result.js";

/**
 * How two runs agree on the customers both assigned: the adjusted Rand index (1 = the same grouping,
 * about 0 = no better than chance) and the migration matrix (customers in segment a of the first run
 * and segment b of the second). The database counts the pairs; only the small matrix comes back.
 */
export async function compareRuns(tx: Tx, params: { tenantId: string; runA: string; runB: string }) {
  const { tenantId, runA, runB } = params;
  if (runA === runB) throw new AppError("BAD_REQUEST", "Choose two different runs to compare.", "runB");
  const [a, b] = [
    await getSucceededRun(tx, { tenantId, runId: runA }),
    await getSucceededRun(tx, { tenantId, runId: runB }),
  ];
  const cells = await queryRows<{ a: number; b: number; n: number | string }>(
    tx,
    sql`select ra.segment as a, rb.segment as b, count(*)::int as n
        from run_assignments ra
        join run_assignments rb on rb.customer_id = ra.customer_id and rb.run_id = ${runB}
        where ra.run_id = ${runA} and ra.tenant_id = ${tenantId}
        group by 1, 2`,
  );
  const segmentsA = [...new Set(cells.map((c) => Number(c.a)))].sort(noiseLast);
  const segmentsB = [...new Set(cells.map((c) => Number(c.b)))].sort(noiseLast);
  const matrix = segmentsA.map(() => segmentsB.map(() => 0));
  let shared = 0;
  for (const c of cells) {
    const n = Number(c.n);
    matrix[segmentsA.indexOf(Number(c.a))]![segmentsB.indexOf(Number(c.b))]! += n;
    shared += n;
  }
  // ARI from the contingency table: expand to label arrays (one entry per shared customer).
  const la = new Int32Array(shared);
  const lb = new Int32Array(shared);
  let at = 0;
  for (const [i, row] of matrix.entries()) {
    for (const [j, n] of row.entries()) {
      la.fill(i, at, at + n);
      lb.fill(j, at, at + n);
      at += n;
    }
  }
  const ari = shared > 1 ? adjustedRandIndex(la, lb) : null;
  const describe = (run: typeof a) => ({
    id: run.id,
    name: run.name,
    algorithm: String((run.config as { algorithm?: string }).algorithm ?? "kmeans"),
    k: Number((run.result as { k?: number }).k ?? 0),
    createdAt: run.createdAt,
  });
  return {
    runA: describe(a),
    runB: describe(b),
    sharedCustomers: shared,
    adjustedRandIndex: ari === null ? null : Number(ari.toFixed(4)),
    segmentsA,
    segmentsB,
    matrix,
  };
}

function noiseLast(x: number, y: number) {
  return (x < 0 ? Number.MAX_SAFE_INTEGER : x) - (y < 0 ? Number.MAX_SAFE_INTEGER : y);
}
