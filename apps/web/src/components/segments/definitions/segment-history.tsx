"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { SegmentSetData } from "./review-panel";

/**
 * Every version of a set, newest first: who saved it, when, their message and what changed in
 * words; the approved one marked. Any older version can be restored, as a new draft version.
 */
export function SegmentHistory({
  workspace,
  set,
  canEdit,
}: {
  workspace: string;
  set: SegmentSetData;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const history = useQuery(trpc.segment.history.queryOptions({ workspace, id: set.id }));
  const [restoring, setRestoring] = useState<number | null>(null);
  const restore = useMutation(
    trpc.segment.restore.mutationOptions({
      onSuccess: async (saved) => {
        setRestoring(null);
        await queryClient.invalidateQueries({ queryKey: trpc.segment.pathKey() });
        toast.show(`Restored as draft version ${saved.version}.`);
      },
    }),
  );

  if (history.isPending) return <LoadingState label="Loading the history…" />;
  if (history.error) return <Alert tone="error">{toFormError(history.error).message}</Alert>;
  if (history.data.length === 0)
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
        No versions recorded yet: the history starts with the next saved change.
      </p>
    );

  return (
    <>
      <ol aria-label="Versions" className="space-y-3">
        {history.data.map((v) => (
          <li
            key={v.version}
            aria-label={`Version ${v.version}`}
            className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm"
          >
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="space-y-1">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-semibold text-slate-900">Version {v.version}</span>
                  {v.version === set.version ? <Badge tone="brand">Latest</Badge> : null}
                  {v.isApproved ? <Badge tone="green">Approved</Badge> : null}
                </p>
                <p className="text-sm text-slate-500">
                  {v.author} · {formatDateTime(v.createdAt)}
                </p>
              </div>
              {canEdit && v.version !== set.version ? (
                <Button size="sm" variant="secondary" onClick={() => setRestoring(v.version)}>
                  Restore version {v.version}
                </Button>
              ) : null}
            </div>
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
      <ConfirmDialog
        isOpen={restoring !== null}
        onClose={() => {
          setRestoring(null);
          restore.reset();
        }}
        title={`Restore version ${restoring ?? ""}?`}
        description={
          <>
            Version {restoring}&apos;s names, descriptions, colours
            {set.kind === "rule" ? " and rule" : " and run"} become a new draft, version {set.version + 1}.
            Nothing is lost: every version stays in the history. The approved version stays in use until the
            new draft is approved.
          </>
        }
        confirmLabel={`Restore version ${restoring ?? ""}`}
        isPending={restore.isPending}
        error={restore.error ? toFormError(restore.error).message : null}
        onConfirm={() => {
          if (restoring !== null)
            restore.mutate({ workspace, id: set.id, version: restoring, baseVersion: set.version });
        }}
      />
    </>
  );
}
