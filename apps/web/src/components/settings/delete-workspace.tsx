"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/**
 * Deletes the workspace for good (owners): every row, file and queued job. The owner types the slug
 * to confirm, so a slip of the mouse deletes nothing.
 */
export function DeleteWorkspace({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.tenant.delete.mutationOptions({
      onSuccess: () => {
        window.location.assign("/");
      },
    }),
  );
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        remove.mutate({ workspace, confirmSlug: typed });
      }}
    >
      <label htmlFor={id} className="block text-sm text-slate-700">
        Type <span className="font-mono font-medium">{workspace}</span> to confirm
      </label>
      <Input
        id={id}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
        className="max-w-xs"
      />
      {remove.error ? <Alert tone="error">{toFormError(remove.error).message}</Alert> : null}
      <Button type="submit" variant="danger" disabled={typed !== workspace} isLoading={remove.isPending}>
        Delete workspace
      </Button>
    </form>
  );
}
