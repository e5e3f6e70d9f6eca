"use client";

import { PRODUCT_CLASSES, type ProductClass } from "@strata/api/contract";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Select, TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { type FormError, toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { formToTerms, type TermsFieldErrors, termsFieldErrors, termsToForm } from "./policy-terms";
import { channelOptions, PolicyTermsFields } from "./policy-terms-fields";
import { usePolicyOptions } from "./use-policy-options";

const EVERYONE = "";

/**
 * A new policy: who it is for (a segment of an approved set, or every customer as the workspace
 * default; optionally one product class and one channel) and its terms. It starts as draft
 * version 1; nothing uses it until a version is approved.
 */
export function PolicyCreateForm({
  workspace,
  initialSegmentId,
}: {
  workspace: string;
  initialSegmentId?: string | undefined;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const options = usePolicyOptions(workspace);
  const [name, setName] = useState("");
  const [segmentId, setSegmentId] = useState(initialSegmentId ?? EVERYONE);
  const [productClass, setProductClass] = useState<ProductClass | "">("");
  const [channel, setChannel] = useState("");
  const [form, setForm] = useState(termsToForm);
  const [fieldErrors, setFieldErrors] = useState<TermsFieldErrors>({});
  const [error, setError] = useState<FormError | null>(null);

  const create = useMutation(
    trpc.policy.create.mutationOptions({
      onSuccess: async (policy) => {
        await queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
        toast.show(`"${policy.name}" saved as draft version 1.`);
        router.push(`/${workspace}/policies/${policy.id}`);
      },
      onError: (e) => {
        const formError = toFormError(e);
        setError(formError);
        setFieldErrors(termsFieldErrors(formError.fieldErrors));
      },
    }),
  );

  if (options.isPending) return <LoadingState label="Loading segments…" />;
  if (options.error) return <Alert tone="error">{toFormError(options.error).message}</Alert>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const read = formToTerms(form);
    if (read.errors) {
      setFieldErrors(read.errors);
      setError({ message: "Check the fields marked below.", fieldErrors: {} });
      return;
    }
    setFieldErrors({});
    create.mutate({
      workspace,
      name: name.trim(),
      scope: {
        segmentId: segmentId || null,
        productClass: productClass || null,
        channel: channel || null,
      },
      terms: read.terms,
    });
  };

  return (
    <form onSubmit={submit} noValidate className="max-w-4xl">
      <Card>
        <CardHeader>
          <CardTitle>Who it is for</CardTitle>
          <CardDescription>
            The most specific approved policy wins for a customer and product: a segment&apos;s policy for a
            product class beats the segment&apos;s policy, which beats the workspace default.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {options.approvedSets.length === 0 ? (
            <Alert tone="info" title="No approved segment set yet">
              Only segments of an approved segment set can have a policy. You can still set the workspace
              default, or{" "}
              <Link href={`/${workspace}/segments`} className="font-medium underline">
                approve a segment set
              </Link>{" "}
              first.
            </Alert>
          ) : null}
          <div className="grid gap-5 sm:grid-cols-3">
            <Field
              id="policy-segment"
              label="Segment"
              error={error?.fieldErrors.segmentId}
              hint="Segments of approved segment sets."
            >
              {(aria) => (
                <Select {...aria} value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
                  <option value={EVERYONE}>Every customer (workspace default)</option>
                  {options.approvedSets.map((set) => (
                    <optgroup key={set.id} label={set.name}>
                      {set.segments.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              id="policy-product-class"
              label="Product class (optional)"
              hint="ABC by share of sales, XYZ by demand variability."
            >
              {(aria) => (
                <Select
                  {...aria}
                  value={productClass}
                  onChange={(e) => setProductClass(e.target.value as ProductClass | "")}
                >
                  <option value="">Every product</option>
                  {PRODUCT_CLASSES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              id="policy-channel"
              label="Order channel (optional)"
              hint="Only orders that come through this channel."
            >
              {(aria) => (
                <Select {...aria} value={channel} onChange={(e) => setChannel(e.target.value)}>
                  <option value="">Every channel</option>
                  {channelOptions(options.channels).map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          <TextField
            id="policy-name"
            label="Name (optional)"
            placeholder="Named after its scope when left empty"
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
          />
        </CardContent>
        <CardHeader className="border-t">
          <CardTitle>Terms</CardTitle>
          <CardDescription>
            How the customers in scope are served. Each field says what it does.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <PolicyTermsFields
            idPrefix="policy"
            form={form}
            onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
            errors={fieldErrors}
            channels={options.channels}
            currency={options.currency}
          />
          {error ? (
            <Alert tone="error" title="Not saved" className="mt-5">
              {error.message}
            </Alert>
          ) : null}
        </CardContent>
        <CardFooter>
          <ButtonLink href={`/${workspace}/policies`} variant="secondary">
            Cancel
          </ButtonLink>
          <Button type="submit" isLoading={create.isPending}>
            Create policy
          </Button>
        </CardFooter>
      </Card>
    </form>
  );
}
