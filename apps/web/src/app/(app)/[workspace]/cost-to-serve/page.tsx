import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { CostIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Cost-to-serve" };

export default async function CostToServePage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="Cost-to-serve"
        description="What serving each segment costs under its policy, set against the revenue and margin it brings."
      />
      <EmptyState
        icon={<CostIcon />}
        title="Nothing to compute yet"
        action={
          <ButtonLink href={`/${workspace.slug}/policies`} variant="secondary">
            Go to Policies
          </ButtonLink>
        }
      >
        <p>
          Cost-to-serve needs order lines, a published segment set and a policy for each segment. Once those
          exist, Strata shows which segments earn their service and lets you try what-if scenarios.
        </p>
      </EmptyState>
    </>
  );
}
