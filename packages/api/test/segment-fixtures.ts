import { randomUUID } from "node:crypto";
import { parseRunConfig, type RunConfigInput } from "@strata/contract";
import { withTenant } from "@strata/db";
import { clusterRun } from "../src/jobs/cluster-run.js";
import { insertAssignments, readFeatureMatrix } from "../src/jobs/run-data.js";
import type { openHarness } from "./harness.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

/** A small seeded PRNG (mulberry32), so the customers are the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three clear groups of customers with RFM-like features; every 10th has no average_basket. */
export async function seedCustomers(h: Harness, tenantId: string, n: number) {
  const random = seeded(7);
  const centres = [
    [10, 20, 5000],
    [200, 2, 150],
    [60, 8, 900],
  ];
  for (let i = 0; i < n; i++) {
    const c = centres[i % 3]!;
    const id = randomUUID();
    const f: Record<string, number | null> = {
      recency_days: c[0]! * (0.9 + 0.2 * random()),
      frequency: c[1]! * (0.9 + 0.2 * random()),
      monetary: c[2]! * (0.9 + 0.2 * random()),
      average_basket: i % 10 === 0 ? null : 50 + 10 * random(),
    };
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, $3)", [
      id,
      tenantId,
      `CUST-${String(i).padStart(4, "0")}`,
    ]);
    await h.database.query(
      "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
      [id, tenantId, JSON.stringify(f)],
    );
  }
}

/**
 * A finished run written the way the worker writes one (run-executor.ts): clustering inline, the
 * result document, the assignments, in one transaction.
 */
export async function finishedRun(h: Harness, tenantId: string, userId: string, config: RunConfigInput) {
  const parsed = parseRunConfig(config);
  const features = ["recency_days", "frequency", "monetary"];
  const matrix = await readFeatureMatrix(h.database, tenantId, features);
  const output = clusterRun({ data: matrix.data, n: matrix.n, d: matrix.d, features, config: parsed });
  const customerIds = Array.from(output.rows, (r) => matrix.customerIds.at(r));
  const toPoints = (points: Array<[number, number, number, number, number?]>) =>
    points.map(([row, x, y, segment]) => ({ customerId: customerIds[row]!, x, y, segment }));
  const result = {
    algorithm: parsed.algorithm,
    algorithmDetails: output.algorithmDetails,
    k: output.k,
    sizes: output.sizes,
    features: output.features,
    modelSelection: output.modelSelection,
    chosenK: output.chosenK,
    preparation: output.preparation,
    map: {
      method: "pca",
      explainedVarianceRatio: output.map.explainedVarianceRatio,
      points: toPoints(output.map.points),
    },
    explanation: output.explanation?.explanation ?? null,
    tsne: toPoints(output.explanation?.tsne ?? []),
    model: output.model,
  };
  const runId = randomUUID();
  await withTenant(h.database.db, tenantId, async (tx) => {
    await tx.execute(
      `insert into runs (id, tenant_id, config, status, result, metrics, created_by, finished_at)
       values ('${runId}', '${tenantId}', '${JSON.stringify(parsed)}'::jsonb, 'succeeded',
               '${JSON.stringify(result).replace(/'/g, "''")}'::jsonb, '{}'::jsonb, '${userId}', now())` as never,
    );
    await insertAssignments(tx, runId, tenantId, matrix.customerIds, output);
  });
  return { runId, output };
}
