"use client";

import type { PolicyTerms } from "@strata/api/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { LoadingState, Spinner } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import {
  formToTerms,
  type PolicyTermsForm,
  type TermsFieldErrors,
  termsSummary,
  termsToForm,
} from "../policy-terms";
import { PolicyTermsFields } from "../policy-terms-fields";
import { usePolicyOptions } from "../use-policy-options";
import { readScenarioResult } from "./scenario-figures";
import { ScenarioResults } from "./scenario-results";

interface LivePolicy {
  id: string;
  name: string;
  scope: string;
  segmentId: string | null;
  segmentColor: string | null;
  productClass: string | null;
  channel: string | null;
  approvedVersion: number | null;
  approvedTerms: PolicyTerms | null;
}

interface StoredChange {
  policyId: string | null;
  terms: PolicyTerms;
  salesLostShare: number;
}

interface Draft {
  isChanged: boolean;
  form: PolicyTermsForm;
  salesLostPct: string;
}

type Drafts = Record<string, Draft>;

function initialDrafts(live: ReadonlyArray<LivePolicy>, changes: ReadonlyArray<StoredChange>): Drafts {
  const drafts: Drafts = {};
  for (const p of live) {
    const change = changes.find((c) => c.policyId === p.id);
    drafts[p.id] = {
      isChanged: Boolean(change),
      form: termsToForm(change?.terms ?? p.approvedTerms ?? undefined),
      salesLostPct: String(Number(((change?.salesLostShare ?? 0) * 100).toPrecision(10))),
    };
  }
  return drafts;
}

/**
 * A scenario: each live policy's terms, changeable for the scenario only (with the share of sales
 * expected lost), Evaluate to re-price the period's order lines under them, the results before and
 * after, and Apply, which turns the changes into policy versions in review.
 */
export function ScenarioEditor({
  workspace,
  scenarioId,
  canEdit,
}: {
  workspace: string;
  scenarioId: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const scenario = useQuery(trpc.scenario.get.queryOptions({ workspace, id: scenarioId }));
  if (scenario.isPending) return <LoadingState label="Loading the scenario…" />;
  if (scenario.error) return <Alert tone="error">{toFormError(scenario.error).message}</Alert>;
  return (
    <ScenarioForm
      // A fresh form when the stored changes change (after a save or an apply), not on every refetch.
      key={`${scenario.data.scenario.id}-${String(scenario.data.scenario.updatedAt)}`}
      workspace={workspace}
      data={scenario.data as unknown as ScenarioData}
      canEdit={canEdit}
    />
  );
}

interface ScenarioData {
  scenario: {
    id: string;
    name: string;
    changes: StoredChange[];
    result: unknown;
    evaluatedAt: Date | null;
    appliedAt: Date | null;
    updatedAt: Date;
  };
  livePolicies: LivePolicy[];
}

function ScenarioForm({
  workspace,
  data,
  canEdit,
}: {
  workspace: string;
  data: ScenarioData;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const options = usePolicyOptions(workspace);
  const { scenario, livePolicies } = data;
  const isApplied = scenario.appliedAt !== null;
  const isEditable = canEdit && !isApplied;
  const [name, setName] = useState(scenario.name);
  const [drafts, setDrafts] = useState(() => initialDrafts(livePolicies, scenario.changes));
  const [saved, setSaved] = useState(() => JSON.stringify(initialDrafts(livePolicies, scenario.changes)));
  const [errors, setErrors] = useState<Record<string, TermsFieldErrors & { salesLost?: string }>>({});
  const [error, setError] = useState<string | null>(null);
  const [isApplying, setIsApplying] = useState(false);
  const isDirty = JSON.stringify(drafts) !== saved || name.trim() !== scenario.name;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.scenario.pathKey() });

  const update = useMutation(trpc.scenario.update.mutationOptions());
  const evaluate = useMutation(
    trpc.scenario.evaluate.mutationOptions({
      onSuccess: async () => {
        await refresh();
      },
    }),
  );
  const apply = useMutation(
    trpc.scenario.applyChanges.mutationOptions({
      onSuccess: async (applied) => {
        setIsApplying(false);
        await Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() })]);
        toast.show(
          `${applied.policies.length} polic${applied.policies.length === 1 ? "y has a new version" : "ies have new versions"} in review.`,
        );
      },
    }),
  );

  /** The drafts as the api's changes, or null (with the fields marked) when one is not valid. */
  const readChanges = () => {
    const next: typeof errors = {};
    const changes = [];
    for (const p of livePolicies) {
      const d = drafts[p.id];
      if (!d?.isChanged) continue;
      const read = formToTerms(d.form);
      const lost = Number(d.salesLostPct.trim() || "0");
      const lostError =
        Number.isFinite(lost) && lost >= 0 && lost < 100
          ? undefined
          : "A share from 0 up to (not including) 100%";
      if (read.errors || lostError) {
        next[p.id] = { ...(read.errors ?? {}), ...(lostError ? { salesLost: lostError } : {}) };
        continue;
      }
      changes.push({
        policyId: p.id,
        name: p.name,
        segmentId: p.segmentId,
        productClass: p.productClass as never,
        channel: p.channel,
        terms: read.terms!,
        salesLostShare: lost / 100,
      });
    }
    setErrors(next);
    if (Object.keys(next).length > 0) {
      setError("Check the fields marked below.");
      return null;
    }
    return changes;
  };

  const save = async (): Promise<boolean> => {
    const changes = readChanges();
    if (!changes) return false;
    try {
      await update.mutateAsync({ workspace, id: scenario.id, name: name.trim() || undefined, changes });
      setSaved(JSON.stringify(drafts));
      setError(null);
      // Saving clears the stored evaluation: fetch the scenario again so no stale result shows.
      await refresh();
      return true;
    } catch (e) {
      setError(toFormError(e).message);
      return false;
    }
  };

  const runEvaluation = async () => {
    setError(null);
    if (isDirty && !(await save())) return;
    try {
      await evaluate.mutateAsync({ workspace, id: scenario.id });
    } catch (e) {
      setError(toFormError(e).message);
    }
  };

  const result = readScenarioResult(evaluate.data ?? scenario.result);
  const changedCount = Object.values(drafts).filter((d) => d.isChanged).length;
  const isBusy = update.isPending || evaluate.isPending;

  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace}/policies`} className="text-brand-700 hover:underline">
          Policies
        </Link>{" "}
        /{" "}
        <Link href={`/${workspace}/policies/scenarios`} className="text-brand-700 hover:underline">
          Scenarios
        </Link>
      </p>
      <PageHeader
        title={scenario.name}
        description={
          isApplied
            ? `Applied ${formatDateTime(scenario.appliedAt!)}: its changes are policy versions in review.`
            : "A what-if on the live policies. Change terms here, evaluate, and apply when it pays: live policies do not change until the new versions are approved."
        }
        actions={
          isEditable ? (
            <Button
              variant="secondary"
              onClick={() => {
                apply.reset();
                setIsApplying(true);
              }}
              disabled={changedCount === 0 || isDirty || isBusy}
              title={
                changedCount === 0
                  ? "Change a policy first"
                  : isDirty
                    ? "Save or evaluate your changes first"
                    : undefined
              }
            >
              Apply…
            </Button>
          ) : null
        }
      />
      {isApplied ? (
        <Alert tone="success" title="Applied" className="mb-6">
          New policy versions wait for review on the{" "}
          <Link href={`/${workspace}/policies`} className="font-medium underline">
            Policies
          </Link>{" "}
          page; the live policies change when an approver approves them.
        </Alert>
      ) : null}

      {livePolicies.length === 0 ? (
        <Alert tone="info" title="No live policies to change">
          A scenario changes approved policies. Create a policy and approve a version first, on the{" "}
          <Link href={`/${workspace}/policies`} className="font-medium underline">
            Policies
          </Link>{" "}
          page.
        </Alert>
      ) : (
        <div className="space-y-6">
          {isEditable ? (
            <div className="max-w-md">
              <TextField
                id="scenario-rename"
                label="Scenario name"
                value={name}
                maxLength={120}
                onChange={(e) => setName(e.target.value)}
              />
            </div>
          ) : null}
          <section aria-labelledby="scenario-policies" className="space-y-3">
            <h2 id="scenario-policies" className="text-lg font-semibold text-slate-900">
              Policies in this scenario
            </h2>
            <ul className="space-y-3">
              {livePolicies.map((p) => {
                const d = drafts[p.id]!;
                return (
                  <li key={p.id}>
                    <Card aria-label={`Policy ${p.name}`}>
                      <CardHeader className="flex flex-wrap items-start justify-between gap-3">
                        <div className="space-y-1">
                          <CardTitle className="flex flex-wrap items-center gap-2">
                            {p.segmentColor ? (
                              <span
                                aria-hidden
                                className="inline-block size-2.5 rounded-full"
                                style={{ backgroundColor: p.segmentColor }}
                              />
                            ) : null}
                            {p.name}
                            {d.isChanged ? <Badge tone="amber">Changed in this scenario</Badge> : null}
                          </CardTitle>
                          <CardDescription>
                            For {p.scope} · live: version {p.approvedVersion},{" "}
                            {p.approvedTerms ? termsSummary(p.approvedTerms) : ""}
                          </CardDescription>
                        </div>
                        {isEditable ? (
                          <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
                            <input
                              type="checkbox"
                              checked={d.isChanged}
                              onChange={(e) =>
                                setDrafts((all) => ({
                                  ...all,
                                  [p.id]: {
                                    ...d,
                                    isChanged: e.target.checked,
                                    ...(e.target.checked
                                      ? {}
                                      : {
                                          form: termsToForm(p.approvedTerms ?? undefined),
                                          salesLostPct: "0",
                                        }),
                                  },
                                }))
                              }
                              className="size-4 accent-brand-600"
                            />
                            Change {p.name} in this scenario
                          </label>
                        ) : null}
                      </CardHeader>
                      {d.isChanged ? (
                        <CardContent className="space-y-5">
                          <fieldset disabled={!isEditable} className="space-y-5">
                            <legend className="sr-only">Scenario terms of {p.name}</legend>
                            <PolicyTermsFields
                              idPrefix={`scenario-${p.id}`}
                              form={d.form}
                              onChange={(patch) =>
                                setDrafts((all) => ({
                                  ...all,
                                  [p.id]: { ...d, form: { ...d.form, ...patch } },
                                }))
                              }
                              errors={errors[p.id] ?? {}}
                              channels={options.channels}
                              currency={options.currency}
                            />
                            <div className="max-w-sm">
                              <TextField
                                id={`scenario-${p.id}-lost`}
                                label="Sales expected lost (%)"
                                type="number"
                                step="any"
                                min="0"
                                max="99"
                                value={d.salesLostPct}
                                error={errors[p.id]?.salesLost}
                                hint="The share of this scope's net sales you expect to lose with the change (e.g. customers who leave over a lower service level). The allowance above is the price given for the change."
                                onChange={(e) =>
                                  setDrafts((all) => ({
                                    ...all,
                                    [p.id]: { ...d, salesLostPct: e.target.value },
                                  }))
                                }
                              />
                            </div>
                          </fieldset>
                        </CardContent>
                      ) : null}
                    </Card>
                  </li>
                );
              })}
            </ul>
          </section>
          {error ? <Alert tone="error">{error}</Alert> : null}
          {isEditable ? (
            <div className="flex flex-wrap items-center gap-3">
              <Button onClick={runEvaluation} isLoading={evaluate.isPending} disabled={isBusy}>
                {isDirty ? "Save and evaluate" : "Evaluate"}
              </Button>
              <Button
                variant="secondary"
                onClick={save}
                isLoading={update.isPending}
                disabled={!isDirty || isBusy}
              >
                Save changes
              </Button>
              <span className="text-sm text-slate-500">
                {changedCount === 0
                  ? "Nothing changed yet: the evaluation shows the live policies as they are."
                  : `${changedCount} polic${changedCount === 1 ? "y" : "ies"} changed${isDirty ? ", not saved" : ""}.`}
              </span>
            </div>
          ) : null}
          <section aria-labelledby="scenario-results" aria-busy={evaluate.isPending} className="space-y-3">
            <h2 id="scenario-results" className="text-lg font-semibold text-slate-900">
              Before and after
            </h2>
            {evaluate.isPending ? (
              <div
                role="status"
                className="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-5 py-6 text-sm text-slate-600"
              >
                <Spinner />
                Re-pricing the period&apos;s order lines under the scenario: re-batching deliveries, the new
                channels&apos; rates and the safety stock each service level needs. This can take a few
                seconds.
              </div>
            ) : result && !isDirty ? (
              <>
                {scenario.evaluatedAt || evaluate.data ? (
                  <p className="text-xs text-slate-500">
                    Evaluated {formatDateTime(evaluate.data ? new Date() : scenario.evaluatedAt!)}
                    {result.ms ? ` in ${(result.ms / 1000).toFixed(1)} s` : ""}.
                  </p>
                ) : null}
                <ScenarioResults result={result} />
              </>
            ) : (
              <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
                {isDirty
                  ? "The changes are not evaluated yet: Save and evaluate to see their effect."
                  : "Not evaluated yet: Evaluate re-prices the period's real order lines under this scenario."}
              </p>
            )}
          </section>
          {isApplied ? null : (
            <p className="text-sm text-slate-500">
              <ButtonLink href={`/${workspace}/policies/scenarios`} variant="ghost" size="sm">
                Back to the scenarios
              </ButtonLink>
            </p>
          )}
        </div>
      )}
      <ConfirmDialog
        isOpen={isApplying}
        onClose={() => setIsApplying(false)}
        title={`Apply "${scenario.name}"?`}
        description={
          <>
            Applying creates new policy versions in review ({changedCount} polic
            {changedCount === 1 ? "y" : "ies"}); live policies do not change until approved. The scenario is
            kept, marked applied.
          </>
        }
        confirmLabel="Apply scenario"
        isPending={apply.isPending}
        error={apply.error ? toFormError(apply.error).message : null}
        onConfirm={() => apply.mutate({ workspace, id: scenario.id })}
      />
    </>
  );
}
