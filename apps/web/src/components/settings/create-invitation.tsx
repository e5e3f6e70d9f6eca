"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { toFormError } from "@/lib/errors";
import { formatDateTime, roleLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const EXPIRY_OPTIONS = [
  { hours: 24, label: "1 day" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
  { hours: 720, label: "30 days" },
] as const;

interface CreatedInvitation {
  link: string;
  role: string;
  expiresAt: Date | string;
}

export function CreateInvitation({ workspace, roles }: { workspace: string; roles: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const linkId = useId();
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [isCopied, setIsCopied] = useState(false);
  const create = useMutation(
    trpc.invitation.create.mutationOptions({
      onSuccess: (invitation) => {
        setCreated({
          link: `${window.location.origin}/invite/${invitation.token}`,
          role: invitation.role,
          expiresAt: invitation.expiresAt,
        });
        setIsCopied(false);
        void queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey({ workspace }) });
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      workspace,
      role: String(form.get("role")) as "viewer",
      expiresInHours: Number(form.get("expiresInHours")),
    });
  }

  async function copy(link: string) {
    try {
      await navigator.clipboard.writeText(link);
      setIsCopied(true);
    } catch {
      // Clipboard access can be refused (e.g. plain http on another host); the link stays selectable.
      setIsCopied(false);
    }
  }

  const error = create.error ? toFormError(create.error) : null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Invite by link</CardTitle>
        <CardDescription>
          Create a link for one person. It works once, carries the role they get, and expires. Send it to them
          yourself: Strata sends no email.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-4" noValidate>
          <div className="w-44">
            <Field id="invite-role" label="Role" error={error?.fieldErrors.role}>
              {(aria) => (
                <Select {...aria} name="role" defaultValue="viewer">
                  {roles.map((role) => (
                    <option key={role} value={role}>
                      {roleLabel(role)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          <div className="w-44">
            <Field id="invite-expiry" label="Expires after" error={error?.fieldErrors.expiresInHours}>
              {(aria) => (
                <Select {...aria} name="expiresInHours" defaultValue="168">
                  {EXPIRY_OPTIONS.map((option) => (
                    <option key={option.hours} value={option.hours}>
                      {option.label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          <Button type="submit" isLoading={create.isPending}>
            Create invite link
          </Button>
        </form>
        {error && !error.fieldErrors.role && !error.fieldErrors.expiresInHours ? (
          <Alert tone="error">{error.message}</Alert>
        ) : null}
        {created ? (
          <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-4">
            <label htmlFor={linkId} className="block text-sm font-medium text-emerald-900">
              Invite link
            </label>
            <div className="flex gap-2">
              <Input
                id={linkId}
                readOnly
                value={created.link}
                onFocus={(event) => event.currentTarget.select()}
                className="font-mono text-xs"
              />
              <Button variant="secondary" onClick={() => copy(created.link)}>
                {isCopied ? "Copied" : "Copy link"}
              </Button>
            </div>
            <p className="text-xs text-emerald-900" role="status">
              {roleLabel(created.role)} access, valid until {formatDateTime(created.expiresAt)}. Copy it now:
              for safety Strata keeps only a fingerprint of the link and cannot show it again.
            </p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
