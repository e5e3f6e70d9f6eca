"use client";

import type { RouterOutputs } from "@strata/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PolicyIcon } from "@/components/ui/icons";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { termsSummary } from "./policy-terms";

export type PolicyRow = RouterOutputs["policy"]["list"][number];

/** Draft v2 / In review v2 / Approved v2: where a policy's latest version stands. */
export function PolicyStatusBadge({ status, version }: { status: PolicyRow["status"]; version: number }) {
  if (status === "approved") return <Badge tone="green">Approved v{version}</Badge>;
  if (status === "in_review") return <Badge tone="amber">In review v{version}</Badge>;
  return <Badge tone="neutral">Draft v{version}</Badge>;
}

/** Every policy, most general first: scope, key terms, where its latest version stands, what is in use. */
export function PolicyList({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.policy.list.queryOptions({ workspace }));
  if (list.isPending) return <LoadingState label="Loading policies…" />;
  if (list.error) return <Alert tone="error">{toFormError(list.error).message}</Alert>;
  if (list.data.length === 0)
    return (
      <EmptyState
        icon={<PolicyIcon />}
        title="No policies yet"
        action={
          canEdit ? (
            <ButtonLink href={`/${workspace}/policies/new`}>New policy</ButtonLink>
          ) : (
            <ButtonLink href={`/${workspace}/segments`} variant="secondary">
              Go to Segments
            </ButtonLink>
          )
        }
      >
        <p>
          A policy says how a segment is served: service level, delivery channel and frequency, lead time,
          order minimum, payment terms and price tier. Start with a workspace default, then give the segments
          of an approved segment set their own.
        </p>
      </EmptyState>
    );
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <Table aria-label="Policies">
        <THead>
          <tr>
            <Th>Policy</Th>
            <Th>For</Th>
            <Th>Latest terms</Th>
            <Th>Status</Th>
            <Th>In use</Th>
          </tr>
        </THead>
        <TBody>
          {list.data.map((p) => (
            <tr key={p.id}>
              <Td>
                <Link
                  href={`/${workspace}/policies/${p.id}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {p.name}
                </Link>
              </Td>
              <Td>
                <span className="inline-flex items-center gap-2">
                  {p.segmentColor ? (
                    <span
                      aria-hidden
                      className="inline-block size-2.5 shrink-0 rounded-full"
                      style={{ backgroundColor: p.segmentColor }}
                    />
                  ) : null}
                  <span>{p.scope}</span>
                </span>
                {p.setName && p.setName !== p.segmentName ? (
                  <span className="block text-xs text-slate-500">{p.setName}</span>
                ) : null}
              </Td>
              <Td className="text-xs text-slate-600">{termsSummary(p.terms)}</Td>
              <Td>
                <PolicyStatusBadge status={p.status} version={p.version} />
              </Td>
              <Td className="text-sm">
                {p.approvedVersion === null ? (
                  <span className="text-slate-500">Not yet</span>
                ) : (
                  <span>Version {p.approvedVersion}</span>
                )}
              </Td>
            </tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
