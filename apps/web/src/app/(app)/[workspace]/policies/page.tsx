import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PolicyIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="Policies"
        description="How each segment is served: service level, delivery channel and frequency, lead time, order minimum, payment terms and price tier."
      />
      <EmptyState
        icon={<PolicyIcon />}
        title="No policies yet"
        action={
          <ButtonLink href={`/${workspace.slug}/segments`} variant="secondary">
            Go to Segments
          </ButtonLink>
        }
      >
        <p>
          A policy belongs to a segment. Publish a segment set first, then give each of its segments the
          service it should get.
        </p>
      </EmptyState>
    </>
  );
}
