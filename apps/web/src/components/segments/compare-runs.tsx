"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Select } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { ALGORITHM_LABELS, readRunResult, segmentColor } from "./result-types";

function agreement(ari: number | null): string {
  if (ari === null) return "Too few shared customers to say";
  if (ari > 0.9) return "Practically the same segments";
  if (ari > 0.7) return "Mostly the same segments";
  if (ari > 0.4) return "Partly the same segments";
  if (ari > 0.1) return "Quite different segments";
  return "Unrelated segmentations";
}

function segmentNames(result: unknown): string[] {
  return readRunResult(result)?.explanation?.segments.map((s) => s.name) ?? [];
}

/** "Noise", the segment's name from its run, or "S3" when the run has no names. */
function segmentHeading(segment: number, names: string[]): string {
  if (segment < 0) return "Noise";
  return names[segment] ?? `S${segment + 1}`;
}

/** Two finished runs side by side: adjusted Rand index and where each segment's customers went. */
export function CompareRuns({ workspace, runA, runB }: { workspace: string; runA?: string; runB?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const runs = useQuery(trpc.run.list.queryOptions({ workspace, limit: 100 }));
  const finished = runs.data?.items.filter((r) => r.status === "succeeded") ?? [];
  const compare = useQuery({
    ...trpc.segment.compareRuns.queryOptions({ workspace, runA: runA ?? "", runB: runB ?? "" }),
    enabled: Boolean(runA && runB && runA !== runB),
  });
  // Segment names come from each run's own result (its explanation); S1, S2... only when a run has none.
  const runAResult = useQuery({
    ...trpc.run.get.queryOptions({ workspace, id: runA ?? "" }),
    enabled: Boolean(runA && runB && runA !== runB),
  });
  const runBResult = useQuery({
    ...trpc.run.get.queryOptions({ workspace, id: runB ?? "" }),
    enabled: Boolean(runA && runB && runA !== runB),
  });
  const namesA = segmentNames(runAResult.data?.result);
  const namesB = segmentNames(runBResult.data?.result);
  const choose = (which: "a" | "b", value: string) => {
    const params = new URLSearchParams();
    const a = which === "a" ? value : runA;
    const b = which === "b" ? value : runB;
    if (a) params.set("a", a);
    if (b) params.set("b", b);
    router.replace(`${pathname}?${params.toString()}`);
  };
  const label = (r: (typeof finished)[number]) =>
    `${r.name || ALGORITHM_LABELS[r.config.algorithm]} · k = ${r.metrics?.k ?? "?"} · ${formatDateTime(r.createdAt)}`;

  return (
    <div className="space-y-6">
      <Card>
        <CardContent className="grid gap-4 py-5 md:grid-cols-2">
          {(["a", "b"] as const).map((which) => (
            <Field key={which} id={`run-${which}`} label={which === "a" ? "First run" : "Second run"}>
              {(aria) => (
                <Select
                  {...aria}
                  value={(which === "a" ? runA : runB) ?? ""}
                  onChange={(e) => choose(which, e.target.value)}
                >
                  <option value="">Choose a finished run…</option>
                  {finished.map((r) => (
                    <option key={r.id} value={r.id}>
                      {label(r)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ))}
        </CardContent>
      </Card>
      {runs.isPending ? <LoadingState label="Loading runs…" /> : null}
      {runs.data && finished.length < 2 ? (
        <Alert tone="info">
          Comparing needs two finished runs. Start another run with different settings first.
        </Alert>
      ) : null}
      {runA && runB && runA === runB ? <Alert tone="warning">Choose two different runs.</Alert> : null}
      {compare.isFetching && !compare.data ? <LoadingState label="Comparing…" /> : null}
      {compare.error ? <Alert tone="error">{toFormError(compare.error).message}</Alert> : null}
      {compare.data ? (
        <Card>
          <CardHeader>
            <CardTitle>
              Adjusted Rand index:{" "}
              {compare.data.adjustedRandIndex === null ? "–" : compare.data.adjustedRandIndex.toFixed(3)}
            </CardTitle>
            <CardDescription>
              {agreement(compare.data.adjustedRandIndex)} ({compare.data.sharedCustomers.toLocaleString("en")}{" "}
              customers in both runs; 1 means identical groupings, 0 no more alike than chance).
            </CardDescription>
          </CardHeader>
          <CardContent>
            <h3 className="mb-2 text-sm font-medium text-slate-700">
              Migration: customers per segment of the first run (rows) and the second (columns)
            </h3>
            <div className="overflow-x-auto">
              <table className="text-sm" aria-label="Migration matrix">
                <thead>
                  <tr>
                    <th scope="col" className="px-3 py-2 text-left text-xs font-medium text-slate-500">
                      First \ Second
                    </th>
                    {compare.data.segmentsB.map((s) => (
                      <th
                        key={s}
                        scope="col"
                        title={s < 0 ? undefined : `Segment ${s + 1}`}
                        className="max-w-40 px-3 py-2 text-right align-bottom text-xs font-medium text-slate-600"
                      >
                        <span
                          className="mr-1 inline-block size-2 rounded-full"
                          style={{ backgroundColor: segmentColor(s) }}
                          aria-hidden
                        />
                        {segmentHeading(s, namesB)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {compare.data.segmentsA.map((s, i) => {
                    const row = compare.data.matrix[i] ?? [];
                    const total = row.reduce((a, b) => a + b, 0) || 1;
                    return (
                      <tr key={s}>
                        <th
                          scope="row"
                          title={s < 0 ? undefined : `Segment ${s + 1}`}
                          className="max-w-56 px-3 py-2 text-left text-xs font-medium text-slate-600"
                        >
                          <span
                            className="mr-1 inline-block size-2 rounded-full"
                            style={{ backgroundColor: segmentColor(s) }}
                            aria-hidden
                          />
                          {segmentHeading(s, namesA)}
                        </th>
                        {row.map((n, j) => (
                          <td
                            key={compare.data.segmentsB[j]}
                            className="px-3 py-2 text-right tabular-nums"
                            style={{
                              backgroundColor: `rgb(37 99 235 / ${(0.75 * n) / total})`,
                              color: n / total > 0.5 ? "white" : undefined,
                            }}
                          >
                            {n.toLocaleString("en")}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
