"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

export function LeaveWorkspace({
  workspace,
  workspaceName,
  userId,
}: {
  workspace: string;
  workspaceName: string;
  userId: string;
}) {
  const trpc = useTRPC();
  const [isOpen, setIsOpen] = useState(false);
  const leave = useMutation(
    trpc.member.remove.mutationOptions({
      // A full navigation: every cached view of this workspace is now stale.
      onSuccess: () => window.location.assign("/"),
    }),
  );
  return (
    <>
      <Button variant="secondary" onClick={() => setIsOpen(true)}>
        Leave workspace
      </Button>
      <ConfirmDialog
        isOpen={isOpen}
        onClose={() => {
          setIsOpen(false);
          leave.reset();
        }}
        title={`Leave ${workspaceName}?`}
        description="You will no longer see its data. To come back, you need a new invitation."
        confirmLabel="Leave workspace"
        onConfirm={() => leave.mutate({ workspace, userId })}
        isPending={leave.isPending || leave.isSuccess}
        error={leave.error ? toFormError(leave.error).message : null}
      />
    </>
  );
}
