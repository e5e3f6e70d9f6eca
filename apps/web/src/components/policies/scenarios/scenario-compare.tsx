"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { METRICS, readScenarioResult, type ScenarioResult } from "./scenario-figures";
import { Delta, formatFigure, ScenarioDeltaChart } from "./scenario-results";

/**
 * Two evaluated scenarios side by side: the period as it happened, then each scenario's figures with
 * their change, in a table and as grouped bars of the changes.
 */
export function ScenarioCompare({ workspace, ids }: { workspace: string; ids: [string, string] }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.scenario.list.queryOptions({ workspace }));
  if (list.isPending) return <LoadingState label="Loading the scenarios…" />;
  if (list.error) return <Alert tone="error">{toFormError(list.error).message}</Alert>;
  const picked = ids.map((id) => list.data.find((s) => s.id === id));
  const missing = picked.some((s) => !s || !readScenarioResult(s.result));
  if (missing)
    return (
      <Alert tone="warning" title="Choose two evaluated scenarios">
        One of the scenarios is missing or not evaluated yet.{" "}
        <Link href={`/${workspace}/policies/scenarios`} className="font-medium underline">
          Back to the scenarios
        </Link>
      </Alert>
    );
  const scenarios = picked.map((s) => ({ id: s!.id, name: s!.name, result: readScenarioResult(s!.result)! }));
  const base: ScenarioResult = scenarios[0]!.result;
  const currency = base.currency;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Totals</CardTitle>
          <CardDescription>
            Before: the period&apos;s order lines as they happened (at each scenario&apos;s evaluation). Each
            scenario&apos;s figure after its changes, with the change from before.
          </CardDescription>
        </CardHeader>
        <CardContent className="p-0">
          <Table aria-label="Scenarios compared">
            <THead>
              <tr>
                <Th>Figure</Th>
                <Th className="text-right">Before</Th>
                {scenarios.map((s) => (
                  <Th key={s.id} className="text-right normal-case">
                    <Link
                      href={`/${workspace}/policies/scenarios/${s.id}`}
                      className="text-brand-700 hover:underline"
                    >
                      {s.name}
                    </Link>
                  </Th>
                ))}
              </tr>
            </THead>
            <TBody>
              {METRICS.map((m) => (
                <tr key={m.key}>
                  <Td className="font-medium text-slate-900">
                    {m.label}
                    {m.isUnits ? "" : ` (${currency})`}
                  </Td>
                  <Td className="text-right tabular-nums">{formatFigure(base.totals.before[m.key], m)}</Td>
                  {scenarios.map((s) => (
                    <Td key={s.id} className="text-right">
                      <span className="block tabular-nums text-slate-900">
                        {formatFigure(s.result.totals.after[m.key], m)}
                      </span>
                      <Delta
                        metric={m}
                        before={s.result.totals.before[m.key]}
                        after={s.result.totals.after[m.key]}
                        className="block text-xs"
                      />
                    </Td>
                  ))}
                </tr>
              ))}
            </TBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Changes side by side</CardTitle>
          <CardDescription>After minus before, in {currency}: below zero is a fall.</CardDescription>
        </CardHeader>
        <CardContent>
          <ScenarioDeltaChart scenarios={scenarios} currency={currency} />
        </CardContent>
      </Card>
    </div>
  );
}
