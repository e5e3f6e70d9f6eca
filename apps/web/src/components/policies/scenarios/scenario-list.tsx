"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { formatMoney } from "@/components/cost-to-serve/analysis";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { readScenarioResult } from "./scenario-figures";
import { Delta } from "./scenario-results";

/** The workspace's scenarios, a form to start one from the live policies, and two to compare. */
export function ScenarioList({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.scenario.list.queryOptions({ workspace }));
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  return (
    <div className="space-y-6">
      {canEdit ? <CreateScenario workspace={workspace} /> : null}
      {list.isPending ? (
        <LoadingState label="Loading scenarios…" />
      ) : list.error ? (
        <Alert tone="error">{toFormError(list.error).message}</Alert>
      ) : list.data.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
          No scenarios yet. A scenario copies the live (approved) policies; change them and see what the
          period would have cost and earned, before anything is applied.
        </p>
      ) : (
        <div className="space-y-3">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-600">
              Tick two evaluated scenarios to compare them side by side.
            </p>
            <ButtonLink
              href={`/${workspace}/policies/scenarios/compare?a=${picked[0] ?? ""}&b=${picked[1] ?? ""}`}
              variant="secondary"
              aria-disabled={picked.length !== 2}
              onClick={(e) => {
                if (picked.length !== 2) e.preventDefault();
              }}
            >
              Compare {picked.length === 2 ? "the two" : `(${picked.length} of 2 ticked)`}
            </ButtonLink>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
            <Table aria-label="Scenarios">
              <THead>
                <tr>
                  <Th className="w-10">
                    <span className="sr-only">Compare</span>
                  </Th>
                  <Th>Scenario</Th>
                  <Th className="text-right">Changed policies</Th>
                  <Th>Evaluated</Th>
                  <Th className="text-right">Cost-to-serve</Th>
                  <Th className="text-right">Net profit</Th>
                  <Th>Status</Th>
                </tr>
              </THead>
              <TBody>
                {list.data.map((s) => {
                  const result = readScenarioResult(s.result);
                  return (
                    <tr key={s.id}>
                      <Td>
                        <input
                          type="checkbox"
                          aria-label={`Compare ${s.name}`}
                          checked={picked.includes(s.id)}
                          disabled={!result}
                          onChange={() => toggle(s.id)}
                          className="size-4 accent-brand-600"
                        />
                      </Td>
                      <Td>
                        <Link
                          href={`/${workspace}/policies/scenarios/${s.id}`}
                          className="font-medium text-brand-700 hover:underline"
                        >
                          {s.name}
                        </Link>
                        <span className="block text-xs text-slate-500">
                          created {formatDateTime(s.createdAt)}
                        </span>
                      </Td>
                      <Td className="text-right tabular-nums">{s.changes}</Td>
                      <Td className="text-sm">{s.evaluatedAt ? formatDateTime(s.evaluatedAt) : "Not yet"}</Td>
                      <Td className="text-right">
                        {result ? (
                          <Delta
                            metric={{ isCost: true }}
                            before={result.totals.before.cost_to_serve}
                            after={result.totals.after.cost_to_serve}
                          />
                        ) : (
                          "–"
                        )}
                      </Td>
                      <Td className="text-right">
                        {result ? (
                          <>
                            <span className="block tabular-nums">
                              {formatMoney(result.totals.after.net_profit, result.currency)}
                            </span>
                            <Delta
                              metric={{ isCost: false }}
                              before={result.totals.before.net_profit}
                              after={result.totals.after.net_profit}
                              className="text-xs"
                            />
                          </>
                        ) : (
                          "–"
                        )}
                      </Td>
                      <Td>
                        {s.appliedAt ? (
                          <Badge tone="green">Applied</Badge>
                        ) : result ? (
                          <Badge tone="brand">Evaluated</Badge>
                        ) : (
                          <Badge>Draft</Badge>
                        )}
                      </Td>
                    </tr>
                  );
                })}
              </TBody>
            </Table>
          </div>
        </div>
      )}
    </div>
  );
}

function CreateScenario({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.scenario.create.mutationOptions({
      onSuccess: async (scenario) => {
        await queryClient.invalidateQueries({ queryKey: trpc.scenario.pathKey() });
        toast.show(`"${scenario.name}" starts from the live policies.`);
        router.push(`/${workspace}/policies/scenarios/${scenario.id}`);
      },
      onError: (e) => setError(toFormError(e).fieldErrors.name ?? toFormError(e).message),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError("Give the scenario a name.");
    setError(null);
    create.mutate({ workspace, name: name.trim() });
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>New scenario</CardTitle>
        <CardDescription>
          Copies the live policies (their approved versions). Nothing you change in a scenario touches them.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3">
          <div className="min-w-64 flex-1">
            <TextField
              id="scenario-name"
              label="Scenario name"
              placeholder="e.g. Store chains via the distribution centre"
              value={name}
              maxLength={120}
              error={error ?? undefined}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <Button type="submit" className="mt-6" isLoading={create.isPending}>
            Copy the live policies
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
