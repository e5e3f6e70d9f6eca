"use client";

import type { PolicyTerms } from "@strata/api/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";
import { type FormError, toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { PolicyRow } from "./policy-list";
import { type PolicyPermissions, PolicyReviewPanel } from "./policy-review-panel";
import {
  fieldHelp,
  formatTerm,
  formToTerms,
  TERM_LABELS,
  type TermsFieldErrors,
  termsFieldErrors,
  termsToForm,
} from "./policy-terms";
import { PolicyTermsFields } from "./policy-terms-fields";
import { usePolicyOptions } from "./use-policy-options";

type Tab = "terms" | "history";

/** A policy: its review state, its terms (latest and in use), inline editing and its history. */
export function PolicyDetail({
  workspace,
  policyId,
  permissions,
}: {
  workspace: string;
  policyId: string;
  permissions: PolicyPermissions;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.policy.list.queryOptions({ workspace }));
  const [tab, setTab] = useState<Tab>("terms");
  const [isEditing, setIsEditing] = useState(false);
  if (list.isPending) return <LoadingState label="Loading the policy…" />;
  if (list.error) return <Alert tone="error">{toFormError(list.error).message}</Alert>;
  const policy = list.data.find((p) => p.id === policyId);
  if (!policy)
    return (
      <Alert tone="error" title="Policy not found">
        It may have been removed.{" "}
        <Link href={`/${workspace}/policies`} className="font-medium underline">
          Back to the policies
        </Link>
      </Alert>
    );

  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace}/policies`} className="text-brand-700 hover:underline">
          Policies
        </Link>
      </p>
      <PageHeader
        title={policy.name}
        description={
          <>
            {policy.segmentColor ? (
              <span
                aria-hidden
                className="mr-2 inline-block size-2.5 rounded-full align-middle"
                style={{ backgroundColor: policy.segmentColor }}
              />
            ) : null}
            For {policy.scope}
            {policy.setName ? ` (${policy.setName})` : ""}
            {policy.updatedByName ? ` · last saved by ${policy.updatedByName}` : ""} ·{" "}
            {formatDateTime(policy.updatedAt)}
          </>
        }
        actions={
          permissions.canEdit && !isEditing && tab === "terms" ? (
            <Button variant="secondary" onClick={() => setIsEditing(true)}>
              Edit terms
            </Button>
          ) : null
        }
      />
      <PolicyReviewPanel workspace={workspace} policy={policy} permissions={permissions} />
      <div role="tablist" aria-label="Policy" className="mb-5 flex gap-6 border-b border-slate-200">
        {(
          [
            ["terms", "Terms"],
            ["history", "History"],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            onClick={() => setTab(id)}
            className={cn(
              "-mb-px border-b-2 px-1 pb-3 pt-1 text-sm font-medium",
              tab === id
                ? "border-brand-600 text-brand-700"
                : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
            )}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "history" ? (
          <PolicyHistory workspace={workspace} policy={policy} />
        ) : isEditing ? (
          <PolicyEditForm
            workspace={workspace}
            policy={policy}
            onClose={() => setIsEditing(false)}
            onReloadLatest={async () =>
              (await list.refetch()).data?.find((p) => p.id === policyId)?.version ?? null
            }
          />
        ) : (
          <TermsTable policy={policy} />
        )}
      </div>
    </>
  );
}

/** The latest terms beside the approved ones (when they differ), each with what it means. */
function TermsTable({ policy }: { policy: PolicyRow }) {
  const approved = policy.approvedTerms;
  const showsApproved = approved !== null && policy.approvedVersion !== policy.version;
  return (
    <Card>
      <CardContent className="p-0">
        <dl className="divide-y divide-slate-100">
          {(Object.keys(TERM_LABELS) as Array<keyof PolicyTerms>).map((key) => {
            const isChanged = showsApproved && approved[key] !== policy.terms[key];
            return (
              <div key={key} className="grid gap-1 px-6 py-3 sm:grid-cols-[16rem_minmax(0,1fr)]">
                <dt className="text-sm font-medium text-slate-700">{TERM_LABELS[key]}</dt>
                <dd className="space-y-0.5">
                  <p className="text-sm text-slate-900">
                    {formatTerm(key, policy.terms)}
                    {isChanged ? (
                      <span className="ml-2 text-xs text-amber-800">
                        approved v{policy.approvedVersion}: {formatTerm(key, approved)}
                      </span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-500">{fieldHelp(key)}</p>
                </dd>
              </div>
            );
          })}
        </dl>
      </CardContent>
    </Card>
  );
}

/**
 * New terms (and name) saved as a draft version with a message. A stale base version is refused
 * with who saved in between; the draft stays in the form and can be saved on top once looked at.
 */
function PolicyEditForm({
  workspace,
  policy,
  onClose,
  onReloadLatest,
}: {
  workspace: string;
  policy: PolicyRow;
  onClose: () => void;
  onReloadLatest: () => Promise<number | null>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const options = usePolicyOptions(workspace);
  const [name, setName] = useState(policy.name);
  const [form, setForm] = useState(() => termsToForm(policy.terms));
  const [message, setMessage] = useState("");
  const [baseVersion, setBaseVersion] = useState(policy.version);
  const [fieldErrors, setFieldErrors] = useState<TermsFieldErrors>({});
  const [error, setError] = useState<(FormError & { isConflict: boolean }) | null>(null);
  const [isReloading, setIsReloading] = useState(false);
  const save = useMutation(
    trpc.policy.edit.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
        toast.show(`Saved as draft version ${saved.version}.`);
        onClose();
      },
      onError: (e) => {
        const formError = toFormError(e);
        setFieldErrors(termsFieldErrors(formError.fieldErrors));
        setError({ ...formError, isConflict: (e as { data?: { code?: string } }).data?.code === "CONFLICT" });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const read = formToTerms(form);
    if (read.errors) {
      setFieldErrors(read.errors);
      setError({ message: "Check the fields marked above.", fieldErrors: {}, isConflict: false });
      return;
    }
    setFieldErrors({});
    save.mutate({
      workspace,
      id: policy.id,
      baseVersion,
      message: message.trim(),
      ...(name.trim() && name.trim() !== policy.name ? { name: name.trim() } : {}),
      terms: read.terms,
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Card>
        <CardHeader>
          <CardTitle>Edit the terms</CardTitle>
          <CardDescription>
            Saving makes draft version {baseVersion + 1}.{" "}
            {policy.approvedVersion !== null
              ? `Approved version ${policy.approvedVersion} stays in use until the draft is approved.`
              : "Nothing uses it until a version is approved."}
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          <TextField
            id="edit-policy-name"
            label="Name"
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
          />
          <PolicyTermsFields
            idPrefix="edit-policy"
            form={form}
            onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
            errors={fieldErrors}
            channels={options.channels}
            currency={options.currency}
          />
          <TextField
            id="edit-policy-message"
            label="What changed (for the history)"
            placeholder="e.g. Two drops a week for the store chain"
            value={message}
            maxLength={500}
            hint="Left empty, the history lists the changed fields."
            onChange={(e) => setMessage(e.target.value)}
          />
          {error ? (
            <Alert tone="error" title={error.isConflict ? "Someone saved first" : "Not saved"}>
              <p>{error.message}</p>
              {error.isConflict ? (
                <Button
                  className="mt-3"
                  size="sm"
                  variant="secondary"
                  isLoading={isReloading}
                  onClick={async () => {
                    setIsReloading(true);
                    const latest = await onReloadLatest();
                    setIsReloading(false);
                    if (latest !== null) {
                      setBaseVersion(latest);
                      setError(null);
                    }
                  }}
                >
                  Keep my draft and save on top of the latest version
                </Button>
              ) : null}
            </Alert>
          ) : null}
        </CardContent>
        <CardFooter>
          <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" isLoading={save.isPending}>
            Save
          </Button>
        </CardFooter>
      </Card>
    </form>
  );
}

/** Every version, newest first: who, when, their message and what changed; the approved one marked. */
function PolicyHistory({ workspace, policy }: { workspace: string; policy: PolicyRow }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.policy.history.queryOptions({ workspace, id: policy.id }));
  if (history.isPending) return <LoadingState label="Loading the history…" />;
  if (history.error) return <Alert tone="error">{toFormError(history.error).message}</Alert>;
  return (
    <ol aria-label="Versions" className="space-y-3">
      {history.data.map((v) => (
        <li
          key={v.version}
          aria-label={`Version ${v.version}`}
          className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm"
        >
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-semibold text-slate-900">Version {v.version}</span>
            {v.version === policy.version ? <Badge tone="brand">Latest</Badge> : null}
            {v.isApproved ? <Badge tone="green">Approved</Badge> : null}
          </p>
          <p className="text-sm text-slate-500">
            {v.author} · {formatDateTime(v.createdAt)}
          </p>
          {v.message ? <p className="mt-2 text-sm text-slate-800">“{v.message}”</p> : null}
          {v.changes.length > 0 ? (
            <ul className="mt-2 list-disc space-y-0.5 pl-5 text-sm text-slate-600">
              {v.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
