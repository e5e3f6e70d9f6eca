"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Select } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDate, roleLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

interface Member {
  userId: string;
  email: string;
  name: string;
  role: string;
  joinedAt: Date | string;
}

export function MemberTable({
  workspace,
  currentUserId,
  isOwner,
  assignableRoles,
}: {
  workspace: string;
  currentUserId: string;
  isOwner: boolean;
  assignableRoles: string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const members = useQuery(trpc.member.list.queryOptions({ workspace }));
  const [removing, setRemoving] = useState<Member | null>(null);

  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey({ workspace }) });
  const updateRole = useMutation(
    trpc.member.updateRole.mutationOptions({
      onSuccess: (_data, input) => {
        toast.show(`Role changed to ${roleLabel(input.role)}.`);
        void invalidate();
      },
      onError: (error) => {
        toast.show(toFormError(error).message, "error");
        void invalidate();
      },
    }),
  );
  const remove = useMutation(
    trpc.member.remove.mutationOptions({
      onSuccess: (_data, input) => {
        if (input.userId === currentUserId) {
          window.location.assign("/");
          return;
        }
        toast.show(`${removing?.name || removing?.email || "Member"} was removed from the workspace.`);
        setRemoving(null);
        void invalidate();
      },
    }),
  );

  return (
    <Card>
      <CardHeader className="flex flex-wrap items-start justify-between gap-4 space-y-0">
        <div className="space-y-1">
          <CardTitle>Members</CardTitle>
          <CardDescription>
            Viewers read, editors change data, admins manage members, owners can do everything.
          </CardDescription>
        </div>
        <ButtonLink href={`/${workspace}/settings/invitations`} size="sm">
          Invite people
        </ButtonLink>
      </CardHeader>
      {members.isPending ? <LoadingState label="Loading members…" /> : null}
      {members.error ? (
        <div className="p-6">
          <Alert tone="error">{toFormError(members.error).message}</Alert>
        </div>
      ) : null}
      {members.data ? (
        <Table>
          <THead>
            <tr>
              <Th>Member</Th>
              <Th>Role</Th>
              <Th>Joined</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {members.data.map((member: Member) => {
              const isSelf = member.userId === currentUserId;
              const isLockedOwner = member.role === "owner" && !isOwner;
              const displayName = member.name || member.email;
              return (
                <tr key={member.userId}>
                  <Td>
                    <p className="font-medium text-slate-900">
                      {displayName}
                      {isSelf ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
                    </p>
                    <p className="text-xs text-slate-500">{member.email}</p>
                  </Td>
                  <Td>
                    {isLockedOwner ? (
                      <Badge tone="brand">Owner</Badge>
                    ) : (
                      <Select
                        aria-label={`Role of ${displayName}`}
                        value={member.role}
                        disabled={updateRole.isPending}
                        onChange={(event) =>
                          updateRole.mutate({
                            workspace,
                            userId: member.userId,
                            role: event.target.value as "viewer",
                          })
                        }
                        className="h-9 w-36"
                      >
                        {assignableRoles.map((role) => (
                          <option key={role} value={role}>
                            {roleLabel(role)}
                          </option>
                        ))}
                        {assignableRoles.includes(member.role) ? null : (
                          <option value={member.role}>{roleLabel(member.role)}</option>
                        )}
                      </Select>
                    )}
                  </Td>
                  <Td className="whitespace-nowrap">{formatDate(member.joinedAt)}</Td>
                  <Td className="text-right">
                    {isLockedOwner ? null : (
                      <Button
                        variant="danger-ghost"
                        size="sm"
                        onClick={() => setRemoving(member)}
                        aria-label={isSelf ? "Leave workspace" : `Remove ${displayName}`}
                      >
                        {isSelf ? "Leave" : "Remove"}
                      </Button>
                    )}
                  </Td>
                </tr>
              );
            })}
          </TBody>
        </Table>
      ) : null}
      <ConfirmDialog
        isOpen={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={
          removing?.userId === currentUserId
            ? "Leave this workspace?"
            : `Remove ${removing?.name || removing?.email}?`
        }
        description={
          removing?.userId === currentUserId
            ? "You will lose access at once. To come back, you need a new invitation."
            : `${removing?.email} loses access to this workspace at once. You can invite them again later.`
        }
        confirmLabel={removing?.userId === currentUserId ? "Leave workspace" : "Remove member"}
        onConfirm={() => removing && remove.mutate({ workspace, userId: removing.userId })}
        isPending={remove.isPending}
        error={remove.error ? toFormError(remove.error).message : null}
      />
    </Card>
  );
}
