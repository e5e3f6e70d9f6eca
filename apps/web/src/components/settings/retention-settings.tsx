"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/** How many months of order lines the workspace keeps; empty keeps them all. Admins and owners change it. */
export function RetentionSettings({ workspace, canChange }: { workspace: string; canChange: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const id = useId();
  const settings = useQuery(trpc.tenant.settings.queryOptions({ workspace }));
  const [typed, setTyped] = useState<string | null>(null);
  const update = useMutation(
    trpc.tenant.updateSettings.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.tenant.settings.queryKey({ workspace }) });
        setTyped(null);
        toast.show(
          saved.retentionMonths === null
            ? "Order lines are kept for good."
            : `Order lines older than ${saved.retentionMonths} months will be deleted.`,
        );
      },
    }),
  );
  if (settings.isPending) return <Spinner label="Loading retention" />;
  if (settings.error) return <Alert tone="error">{toFormError(settings.error).message}</Alert>;
  const value =
    typed ?? (settings.data.retentionMonths === null ? "" : String(settings.data.retentionMonths));
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate({
          workspace,
          data: { retentionMonths: value.trim() === "" ? null : Number(value) },
        });
      }}
    >
      <label htmlFor={id} className="block text-sm text-slate-700">
        Keep order lines for (months; empty keeps them all)
      </label>
      <div className="flex gap-3">
        <Input
          id={id}
          type="number"
          min={1}
          step={1}
          className="w-32"
          value={value}
          disabled={!canChange}
          onChange={(e) => setTyped(e.target.value)}
        />
        {canChange ? (
          <Button type="submit" variant="secondary" isLoading={update.isPending}>
            Save retention
          </Button>
        ) : null}
      </div>
      {update.error ? <Alert tone="error">{toFormError(update.error).message}</Alert> : null}
    </form>
  );
}
