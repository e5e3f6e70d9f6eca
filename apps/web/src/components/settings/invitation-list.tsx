"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime, formatExpiry, roleLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

interface PendingInvitation {
  id: string;
  role: string;
  expiresAt: Date | string;
  createdAt?: Date | string;
  createdByEmail?: string | null;
}

export function InvitationList({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const invitations = useQuery(trpc.invitation.list.queryOptions({ workspace }));
  const [revoking, setRevoking] = useState<PendingInvitation | null>(null);
  const revoke = useMutation(
    trpc.invitation.revoke.mutationOptions({
      onSuccess: () => {
        toast.show("Invitation revoked. Its link no longer works.");
        setRevoking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey({ workspace }) });
      },
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Pending invitations</CardTitle>
        <CardDescription>
          Links created but not used yet. Revoke one to make its link stop working.
        </CardDescription>
      </CardHeader>
      {invitations.isPending ? <LoadingState label="Loading invitations…" /> : null}
      {invitations.error ? (
        <div className="p-6">
          <Alert tone="error">{toFormError(invitations.error).message}</Alert>
        </div>
      ) : null}
      {invitations.data && invitations.data.length === 0 ? (
        <p className="px-6 py-8 text-center text-sm text-slate-500">
          No pending invitations. Create a link above to invite someone.
        </p>
      ) : null}
      {invitations.data && invitations.data.length > 0 ? (
        <Table>
          <THead>
            <tr>
              <Th>Role</Th>
              <Th>Created</Th>
              <Th>Expires</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {(invitations.data as PendingInvitation[]).map((invitation) => (
              <tr key={invitation.id}>
                <Td>
                  <Badge tone="brand">{roleLabel(invitation.role)}</Badge>
                </Td>
                <Td className="whitespace-nowrap">
                  {invitation.createdAt ? formatDateTime(invitation.createdAt) : "—"}
                  {invitation.createdByEmail ? (
                    <span className="block text-xs text-slate-500">by {invitation.createdByEmail}</span>
                  ) : null}
                </Td>
                <Td
                  className="whitespace-nowrap"
                  title={formatDateTime(invitation.expiresAt)}
                  suppressHydrationWarning
                >
                  {formatExpiry(invitation.expiresAt)}
                </Td>
                <Td className="text-right">
                  <Button
                    variant="danger-ghost"
                    size="sm"
                    onClick={() => setRevoking(invitation)}
                    aria-label={`Revoke ${roleLabel(invitation.role).toLowerCase()} invitation expiring ${formatDateTime(invitation.expiresAt)}`}
                  >
                    Revoke
                  </Button>
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      ) : null}
      <ConfirmDialog
        isOpen={revoking !== null}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        title="Revoke this invitation?"
        description="Anyone holding the link will no longer be able to join with it. You can create a new link at any time."
        confirmLabel="Revoke invitation"
        onConfirm={() => revoking && revoke.mutate({ workspace, id: revoking.id })}
        isPending={revoke.isPending}
        error={revoke.error ? toFormError(revoke.error).message : null}
      />
    </Card>
  );
}
