"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/** Changing the password ends every session, this one too: the user signs in again with the new one. */
export function ChangePassword() {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => signOut({ callbackUrl: "/sign-in?passwordChanged=1" }),
    }),
  );
  const error = change.error ? toFormError(change.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ currentPassword: current, newPassword: next });
  };
  return (
    <form onSubmit={submit} className="max-w-md space-y-4" aria-label="Change password">
      {error && !error.fieldErrors.currentPassword && !error.fieldErrors.newPassword ? (
        <Alert tone="error">{error.message}</Alert>
      ) : null}
      <TextField
        id="current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={error?.fieldErrors.currentPassword}
        required
      />
      <TextField
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={error?.fieldErrors.newPassword}
        hint="At least 10 characters, mixing two kinds (letters, digits, symbols). Every device signed in with the old password is signed out."
        required
      />
      <Button type="submit" isLoading={change.isPending || change.isSuccess}>
        Change password
      </Button>
    </form>
  );
}
