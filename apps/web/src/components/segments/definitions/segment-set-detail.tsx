"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { FairnessCard } from "@/components/segments/fairness/fairness-card";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { formatPercent } from "../result-types";
import { describeRule, type SegmentRule } from "../rules/rule-model";
import { ReviewPanel, type SegmentSetData, type SetPermissions } from "./review-panel";
import { SegmentHistory } from "./segment-history";
import { SegmentSetEditor } from "./segment-set-editor";

type Tab = "segments" | "history";

/** A segment set: its review state, its segments (or rule), inline editing and its version history. */
export function SegmentSetDetail({
  workspace,
  setId,
  permissions,
}: {
  workspace: string;
  setId: string;
  permissions: SetPermissions;
}) {
  const trpc = useTRPC();
  const set = useQuery(trpc.segment.getSet.queryOptions({ workspace, id: setId }));
  const [tab, setTab] = useState<Tab>("segments");
  const [isEditing, setIsEditing] = useState(false);
  if (set.isPending) return <LoadingState label="Loading the segment set…" />;
  if (set.error) return <Alert tone="error">{toFormError(set.error).message}</Alert>;
  const data = set.data;
  const isRule = data.kind === "rule";

  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace}/segments`} className="text-brand-700 hover:underline">
          Segments
        </Link>
      </p>
      <PageHeader
        title={data.name}
        description={
          <>
            {data.description ? <span className="block">{data.description}</span> : null}
            {isRule ? "Rule segment · " : ""}
            {data.approvedVersion === null
              ? "no customers until a version is approved"
              : `${data.customerCount.toLocaleString("en")} customers`}
            {isRule ? "" : ` in ${data.segments.length} segments`} · created {formatDateTime(data.createdAt)}
            {data.publishedByName ? ` by ${data.publishedByName}` : ""}
          </>
        }
        actions={
          <>
            {permissions.canEdit && !isEditing && tab === "segments" && !isRule ? (
              <Button variant="secondary" onClick={() => setIsEditing(true)}>
                Edit names
              </Button>
            ) : null}
            {permissions.canEdit && isRule ? (
              <ButtonLink href={`/${workspace}/segments/sets/${data.id}/rule`} variant="secondary">
                Edit rule
              </ButtonLink>
            ) : null}
            {data.runId ? (
              <ButtonLink href={`/${workspace}/segments/runs/${data.runId}`} variant="secondary">
                View the run
              </ButtonLink>
            ) : null}
          </>
        }
      />
      <ReviewPanel workspace={workspace} set={data} permissions={permissions} />

      <div role="tablist" aria-label="Segment set" className="mb-5 flex gap-6 border-b border-slate-200">
        {(
          [
            ["segments", isRule ? "Rule and customers" : "Segments"],
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
          <SegmentHistory workspace={workspace} set={data} canEdit={permissions.canEdit} />
        ) : isEditing ? (
          <SegmentSetEditor
            workspace={workspace}
            set={data}
            onClose={() => setIsEditing(false)}
            onReloadLatest={async () => (await set.refetch()).data?.version ?? null}
          />
        ) : (
          <div className="space-y-6">
            {isRule ? <RuleSummary workspace={workspace} set={data} /> : null}
            {!isRule && data.hasModel && permissions.canEdit ? (
              <AssignByModel workspace={workspace} set={data} />
            ) : null}
            {!isRule && permissions.canEdit ? (
              <p className="text-sm text-slate-600">
                A newer run?{" "}
                <Link
                  href={`/${workspace}/segments/sets/${data.id}/republish`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  Publish it into this set
                </Link>{" "}
                and keep these segments (and what hangs on them).
              </p>
            ) : null}
            {isRule ? null : <SegmentGrid workspace={workspace} set={data} canEdit={permissions.canEdit} />}
            {isRule || data.approvedVersion === null ? null : (
              <FairnessCard workspace={workspace} segmentSetId={data.id} />
            )}
          </div>
        )}
      </div>
    </>
  );
}

function SegmentGrid({
  workspace,
  set,
  canEdit,
}: {
  workspace: string;
  set: SegmentSetData;
  canEdit: boolean;
}) {
  if (set.segments.length === 0) return <p className="text-sm text-slate-500">This set has no segments.</p>;
  return (
    <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Segments">
      {set.segments.map((segment) => (
        <li key={segment.id} className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <div className="h-1.5 rounded-t-lg" style={{ backgroundColor: segment.color }} />
          <div className="space-y-2 p-4">
            <h2 className="flex items-center gap-2 text-base font-semibold text-slate-900">
              <Link href={`/${workspace}/segments/sets/${set.id}/${segment.id}`} className="hover:underline">
                {segment.name}
              </Link>
              {!segment.active ? <Badge tone="neutral">Retired</Badge> : null}
            </h2>
            <p className="text-sm tabular-nums text-slate-600">
              {segment.size.toLocaleString("en")} customers (
              {formatPercent(set.customerCount ? segment.size / set.customerCount : 0)})
            </p>
            {segment.description ? <p className="text-sm text-slate-700">{segment.description}</p> : null}
            {segment.surrogateText ? (
              <details className="text-xs text-slate-600">
                <summary className="cursor-pointer text-slate-500">Rules that describe it</summary>
                <pre className="mt-1 whitespace-pre-wrap font-sans">{segment.surrogateText}</pre>
              </details>
            ) : null}
            <div className="flex flex-wrap gap-2 pt-1">
              <ButtonLink
                href={`/${workspace}/segments/sets/${set.id}/${segment.id}`}
                size="sm"
                variant="secondary"
              >
                Customers of {segment.name}
              </ButtonLink>
              {canEdit && set.kind === "ml" && segment.hasSurrogateRules ? (
                <ButtonLink
                  href={`/${workspace}/segments/rules/new?from=${segment.id}`}
                  size="sm"
                  variant="ghost"
                  aria-label={`Start a rule segment from ${segment.name}'s rules`}
                >
                  Start from this segment&apos;s rules
                </ButtonLink>
              ) : null}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

function RuleSummary({ workspace, set }: { workspace: string; set: SegmentSetData }) {
  const trpc = useTRPC();
  const sets = useQuery({
    ...trpc.segment.listSets.queryOptions({ workspace }),
    enabled: Boolean(set.baseSegmentId),
  });
  const base = sets.data
    ?.flatMap((s) => s.segments.map((g) => ({ ...g, setName: s.name, setId: s.id })))
    .find((g) => g.id === set.baseSegmentId);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Rule (version {set.version})</CardTitle>
      </CardHeader>
      <CardContent className="space-y-2 text-sm text-slate-700">
        <p className="rounded-md bg-slate-50 px-3 py-2 font-mono text-[13px] leading-relaxed text-slate-800">
          {set.rule ? describeRule(set.rule as unknown as SegmentRule) : "No rule"}
        </p>
        {set.baseSegmentId ? (
          <p>
            Only members of{" "}
            {base ? (
              <Link
                href={`/${workspace}/segments/sets/${base.setId}/${base.id}`}
                className="text-brand-700 hover:underline"
              >
                {base.name} ({base.setName})
              </Link>
            ) : (
              "an ML segment"
            )}{" "}
            can match (hybrid).
          </p>
        ) : null}
        {set.approvedVersion === null ? (
          <p className="text-slate-500">Its customers are set when a version is approved.</p>
        ) : (
          <p>
            {set.approvedVersion !== set.version
              ? `The approved version ${set.approvedVersion} has `
              : "It has "}
            {set.customerCount.toLocaleString("en")} customers.{" "}
            {set.segments[0] ? (
              <Link
                href={`/${workspace}/segments/sets/${set.id}/${set.segments[0].id}`}
                className="font-medium text-brand-700 hover:underline"
              >
                See the customers
              </Link>
            ) : null}
          </p>
        )}
      </CardContent>
    </Card>
  );
}

function AssignByModel({ workspace, set }: { workspace: string; set: SegmentSetData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const assign = useMutation(
    trpc.segment.assignByModel.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.segment.pathKey() });
        toast.show(
          result.assigned === 0 && result.skipped === 0
            ? "Every customer already has a segment in this set."
            : `Assigned ${result.assigned.toLocaleString("en")} customer${result.assigned === 1 ? "" : "s"} by the model` +
                (result.skipped
                  ? `; ${result.skipped.toLocaleString("en")} skipped (none of the model's features).`
                  : "."),
        );
      },
      onError: (error) => toast.show(toFormError(error).message, "error"),
    }),
  );
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white px-5 py-3 text-sm shadow-sm">
      <p className="text-slate-600">
        Customers new since the run, or left out of it, get a segment from the run&apos;s fitted model (with a
        confidence).
      </p>
      <Button
        size="sm"
        variant="secondary"
        isLoading={assign.isPending}
        disabled={set.approvedVersion === null}
        title={set.approvedVersion === null ? "Approve a version first" : undefined}
        onClick={() => assign.mutate({ workspace, id: set.id })}
      >
        Assign customers outside the run
      </Button>
    </div>
  );
}
