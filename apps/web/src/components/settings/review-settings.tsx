"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/** Whether editors may approve segment definitions; admins and owners change it, others read it. */
export function ReviewSettings({ workspace, canChange }: { workspace: string; canChange: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const id = useId();
  const settings = useQuery(trpc.tenant.settings.queryOptions({ workspace }));
  const update = useMutation(
    trpc.tenant.updateSettings.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.tenant.settings.queryKey({ workspace }) });
        toast.show(
          saved.editorsCanApprove
            ? "Editors can now approve segment definitions."
            : "Only admins and owners approve segment definitions now.",
        );
      },
    }),
  );
  if (settings.isPending) return <Spinner label="Loading review settings" />;
  if (settings.error) return <Alert tone="error">{toFormError(settings.error).message}</Alert>;
  return (
    <div className="space-y-3">
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          className="mt-0.5 size-4 accent-brand-600"
          checked={settings.data.editorsCanApprove}
          disabled={!canChange || update.isPending}
          aria-describedby={`${id}-hint`}
          onChange={(e) => update.mutate({ workspace, data: { editorsCanApprove: e.target.checked } })}
        />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-slate-800">
            Editors can approve segment definitions
          </label>
          <p id={`${id}-hint`} className="text-sm text-slate-500">
            Admins and owners always can. Off, an editor&apos;s change waits for an admin or owner.
            {canChange ? "" : " Only admins and owners change this."}
          </p>
        </div>
      </div>
      {update.error ? <Alert tone="error">{toFormError(update.error).message}</Alert> : null}
    </div>
  );
}
