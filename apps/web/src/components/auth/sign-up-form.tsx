"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { type FormError, toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { safeCallbackUrl } from "./callback-url";

const FIELDS = new Set(["name", "email", "password"]);

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<FormError | null>(null);
  const [isSigningIn, setIsSigningIn] = useState(false);
  const signUp = useMutation(trpc.account.signUp.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    setFormError(null);
    try {
      await signUp.mutateAsync(input);
    } catch (error) {
      setFormError(toFormError(error));
      return;
    }
    setIsSigningIn(true);
    const result = await signIn("credentials", {
      email: input.email,
      password: input.password,
      redirect: false,
    });
    if (!result || result.error) {
      // The account exists now; only the automatic sign-in failed (e.g. rate limited).
      router.replace(`/sign-in?callbackUrl=${encodeURIComponent(safeCallbackUrl(callbackUrl))}`);
      return;
    }
    // Checked again here: the destination must be a path on this site, whoever rendered the form.
    router.replace(safeCallbackUrl(callbackUrl));
    router.refresh();
  }

  const fieldErrors = formError?.fieldErrors ?? {};
  // A message that belongs to a field is shown under that field, not twice.
  const hasFieldError = Object.keys(fieldErrors).some((field) => FIELDS.has(field));

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {formError && !hasFieldError ? <Alert tone="error">{formError.message}</Alert> : null}
      <TextField
        id="name"
        name="name"
        label="Your name"
        autoComplete="name"
        error={fieldErrors.name}
        required
      />
      <TextField
        id="email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        error={fieldErrors.email}
        required
      />
      <TextField
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        hint="At least 10 characters, mixing letters with digits or symbols, and not your email."
        error={fieldErrors.password}
        required
      />
      <Button type="submit" className="w-full" isLoading={signUp.isPending || isSigningIn}>
        Create account
      </Button>
    </form>
  );
}
