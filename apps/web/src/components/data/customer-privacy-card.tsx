"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/**
 * A customer's privacy rights, for admins and owners: a copy of everything held on them (JSON), and
 * erasure (the right to be forgotten) after a confirmation that says what goes.
 */
export function CustomerPrivacyCard({
  workspace,
  id,
  externalId,
}: {
  workspace: string;
  id: string;
  externalId: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [isConfirming, setIsConfirming] = useState(false);
  const exportData = useMutation(
    trpc.customer.exportData.mutationOptions({
      onSuccess: (data) => {
        const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
        const link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = `customer-${externalId}.json`;
        link.click();
        URL.revokeObjectURL(link.href);
      },
    }),
  );
  const erase = useMutation(
    trpc.customer.erase.mutationOptions({
      onSuccess: async () => {
        // Every cached customer read (the list, counts, this page) is out of date now.
        await queryClient.invalidateQueries({ queryKey: trpc.customer.pathKey() });
        router.push(`/${workspace}/data/customers`);
      },
    }),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Privacy</CardTitle>
        <CardDescription>
          Everything Strata holds on this customer, as JSON; or erase them: their attributes, order lines,
          features, segment memberships, map points and rejected rows that name them.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap gap-3">
        <Button
          variant="secondary"
          isLoading={exportData.isPending}
          onClick={() => exportData.mutate({ workspace, id })}
        >
          Export customer data
        </Button>
        <Button variant="danger" onClick={() => setIsConfirming(true)}>
          Erase customer
        </Button>
        {exportData.error ? (
          <p className="text-sm text-red-700">{toFormError(exportData.error).message}</p>
        ) : null}
      </CardContent>
      <ConfirmDialog
        isOpen={isConfirming}
        onClose={() => {
          setIsConfirming(false);
          erase.reset();
        }}
        title={`Erase customer ${externalId}?`}
        description={
          <>
            Every row held on {externalId} is deleted and the segment sizes are recounted. This cannot be
            undone; the audit trail records that a customer was erased, not who they were.
          </>
        }
        confirmLabel="Erase for good"
        isPending={erase.isPending}
        error={erase.error ? toFormError(erase.error).message : null}
        onConfirm={() => erase.mutate({ workspace, id })}
      />
    </Card>
  );
}
