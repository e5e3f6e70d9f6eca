"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { toFormError, trpcErrorCode } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

export function AcceptInvitation({ token, workspaceName }: { token: string; workspaceName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({
      onSuccess: ({ workspace }) => {
        router.push(`/${workspace}`);
        router.refresh();
      },
    }),
  );
  const isAlreadyMember = trpcErrorCode(accept.error) === "CONFLICT";

  return (
    <div className="space-y-3">
      {accept.error ? <Alert tone="error">{toFormError(accept.error).message}</Alert> : null}
      {isAlreadyMember ? (
        <ButtonLink href="/">Go to your workspaces</ButtonLink>
      ) : (
        <Button
          onClick={() => accept.mutate({ token })}
          isLoading={accept.isPending || accept.isSuccess}
          className="w-full"
        >
          Accept invitation and join {workspaceName}
        </Button>
      )}
    </div>
  );
}
