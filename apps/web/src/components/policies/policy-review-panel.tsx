"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Label } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { type PolicyRow, PolicyStatusBadge } from "./policy-list";

export interface PolicyPermissions {
  canEdit: boolean;
  canReview: boolean;
  canApprove: boolean;
}

/**
 * The review state of a policy's latest version and what it allows, as on a segment set: ask for
 * review (a draft), approve or send back with a reason (in review, approvers only). Cost-to-serve,
 * scenarios and exports read the approved version, which the panel names.
 */
export function PolicyReviewPanel({
  workspace,
  policy,
  permissions,
}: {
  workspace: string;
  policy: PolicyRow;
  permissions: PolicyPermissions;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [isSendingBack, setIsSendingBack] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
  const onError = (e: unknown) => setError(toFormError(e).message);
  const requestReview = useMutation(
    trpc.policy.requestReview.mutationOptions({
      onSuccess: async () => {
        setError(null);
        await refresh();
        toast.show(`Version ${policy.version} is in review.`);
      },
      onError,
    }),
  );
  const approve = useMutation(
    trpc.policy.approve.mutationOptions({
      onSuccess: async (result) => {
        setError(null);
        await refresh();
        toast.show(`Version ${result.version} approved: it is the policy in use.`);
      },
      onError,
    }),
  );
  const input = { workspace, id: policy.id, version: policy.version };
  return (
    <section
      aria-label="Review"
      className="mb-6 space-y-3 rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <PolicyStatusBadge status={policy.status} version={policy.version} />
          {policy.approvedVersion === null ? (
            <span>No version is approved yet: cost-to-serve and scenarios do not use this policy.</span>
          ) : policy.approvedVersion === policy.version ? (
            <span>The latest version is approved and in use.</span>
          ) : (
            <span>
              <Badge tone="green">Approved v{policy.approvedVersion}</Badge>{" "}
              <span className="font-medium">is in use</span> until version {policy.version} is approved.
            </span>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          {policy.status === "draft" && permissions.canReview ? (
            <Button size="sm" onClick={() => requestReview.mutate(input)} isLoading={requestReview.isPending}>
              Ask for review
            </Button>
          ) : null}
          {policy.status === "in_review" && permissions.canApprove ? (
            <>
              <Button size="sm" variant="secondary" onClick={() => setIsSendingBack(true)}>
                Send back
              </Button>
              <Button size="sm" onClick={() => approve.mutate(input)} isLoading={approve.isPending}>
                Approve version {policy.version}
              </Button>
            </>
          ) : null}
          {policy.status === "in_review" && !permissions.canApprove ? (
            <span className="text-sm text-slate-500">Waiting for an admin or owner to approve.</span>
          ) : null}
        </div>
      </div>
      {policy.status === "draft" && policy.reviewNote ? (
        <Alert tone="warning" title="Sent back by the reviewer">
          <p className="whitespace-pre-line">{policy.reviewNote}</p>
        </Alert>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <SendBackDialog
        isOpen={isSendingBack}
        onClose={() => setIsSendingBack(false)}
        input={input}
        onDone={async () => {
          setIsSendingBack(false);
          setError(null);
          await refresh();
          toast.show(`Version ${policy.version} sent back to its author.`);
        }}
      />
    </section>
  );
}

function SendBackDialog({
  isOpen,
  onClose,
  input,
  onDone,
}: {
  isOpen: boolean;
  onClose: () => void;
  input: { workspace: string; id: string; version: number };
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const sendBack = useMutation(
    trpc.policy.sendBack.mutationOptions({
      onSuccess: () => {
        setReason("");
        onDone();
      },
      onError: (e) => setError(toFormError(e).message),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setError("Say why the version goes back, so its author knows what to change.");
      return;
    }
    sendBack.mutate({ ...input, reason: reason.trim() });
  };
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={`Send version ${input.version} back`}
      description="It returns to draft; its author sees your reason on this page."
    >
      <form onSubmit={submit} className="space-y-3" noValidate>
        <Label htmlFor={id}>Reason</Label>
        <textarea
          id={id}
          rows={4}
          value={reason}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={Boolean(error) || undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
        />
        {error ? (
          <p id={`${id}-error`} role="alert" className="text-sm text-red-600">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-3 pt-2">
          <Button variant="secondary" onClick={onClose} disabled={sendBack.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" isLoading={sendBack.isPending}>
            Send back
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
