"use client";

import { PRODUCT_CLASSES, type ProductClass } from "@strata/api/contract";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { termsSummary } from "./policy-terms";

/**
 * Which approved policy applies to this customer (for a product class, when one is chosen) and why:
 * the most specific match wins, and the card lists the ones it beat and the ones not yet approved.
 */
export function CustomerPolicyCard({ workspace, customerId }: { workspace: string; customerId: string }) {
  const trpc = useTRPC();
  const [productClass, setProductClass] = useState<ProductClass | "">("");
  const explain = useQuery(
    trpc.policy.explain.queryOptions({ workspace, customerId, productClass: productClass || null }),
  );
  const policy = explain.data?.policy;
  return (
    <Card aria-labelledby="customer-policy-title">
      <CardHeader className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <CardTitle id="customer-policy-title">Policy that applies</CardTitle>
          <CardDescription>Approved policies only; the most specific one that matches wins.</CardDescription>
        </div>
        <div className="flex items-center gap-2">
          <Label htmlFor="customer-policy-class" className="whitespace-nowrap">
            Product class
          </Label>
          <Select
            id="customer-policy-class"
            className="w-40"
            value={productClass}
            onChange={(e) => setProductClass(e.target.value as ProductClass | "")}
          >
            <option value="">Any product</option>
            {PRODUCT_CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </div>
      </CardHeader>
      <CardContent className="space-y-3 text-sm">
        {explain.isPending ? (
          <p className="flex items-center gap-2 text-slate-500">
            <Spinner className="size-4" /> Finding the policy…
          </p>
        ) : explain.error ? (
          <p role="alert" className="text-red-700">
            {toFormError(explain.error).message}
          </p>
        ) : (
          <>
            {policy ? (
              <p className="text-slate-900">
                <Link
                  href={`/${workspace}/policies/${policy.id}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {policy.name}
                </Link>{" "}
                <span className="text-slate-500">
                  (version {policy.version}, for {policy.scope})
                </span>
                <span className="mt-1 block text-slate-700">{termsSummary(policy.terms)}</span>
              </p>
            ) : (
              <p className="text-slate-700">
                No policy applies.{" "}
                <Link
                  href={`/${workspace}/policies/new`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  Set a workspace default
                </Link>{" "}
                or a policy for this customer&apos;s segment.
              </p>
            )}
            {explain.data.reasons.length > 0 ? (
              <div>
                <p className="text-xs font-medium uppercase text-slate-500">Why</p>
                <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-600">
                  {explain.data.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </>
        )}
      </CardContent>
    </Card>
  );
}
