"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { type FormError, toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<FormError | null>(null);
  const create = useMutation(trpc.tenant.create.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const slug = String(form.get("slug") ?? "").trim();
    setFormError(null);
    try {
      const workspace = await create.mutateAsync(slug ? { name, slug } : { name });
      router.push(`/${workspace.slug}`);
      router.refresh();
    } catch (error) {
      setFormError(toFormError(error));
    }
  }

  const fieldErrors = formError?.fieldErrors ?? {};
  const hasFieldError = Boolean(fieldErrors.name || fieldErrors.slug);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {formError && !hasFieldError ? <Alert tone="error">{formError.message}</Alert> : null}
      <TextField
        id="workspace-name"
        name="name"
        label="Workspace name"
        placeholder="Acme Wholesale"
        error={fieldErrors.name}
        required
      />
      <TextField
        id="workspace-slug"
        name="slug"
        label="Address (optional)"
        placeholder="acme-wholesale"
        hint="Lowercase letters, digits and dashes, used in links. Leave empty to derive it from the name."
        error={fieldErrors.slug}
      />
      <Button type="submit" className="w-full" isLoading={create.isPending || create.isSuccess}>
        Create workspace
      </Button>
    </form>
  );
}
