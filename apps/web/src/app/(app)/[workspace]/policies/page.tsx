import type { Metadata } from "next";
import { PolicyList } from "@/components/policies/policy-list";
import { ProductClassMatrix } from "@/components/policies/product-class-matrix";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  const canEdit = access.can["policy.edit"];
  return (
    <>
      <PageHeader
        title="Policies"
        description="How each segment is served: service level, delivery channel and frequency, lead time, order minimum, payment terms and price tier. The most specific approved policy applies."
        actions={
          <>
            <ButtonLink href={`/${workspace.slug}/policies/scenarios`} variant="secondary">
              Scenarios
            </ButtonLink>
            {canEdit ? <ButtonLink href={`/${workspace.slug}/policies/new`}>New policy</ButtonLink> : null}
          </>
        }
      />
      <div className="space-y-8">
        <section aria-labelledby="policies-heading" className="space-y-3">
          <h2 id="policies-heading" className="text-lg font-semibold text-slate-900">
            Policies
          </h2>
          <PolicyList workspace={workspace.slug} canEdit={canEdit} />
        </section>
        <ProductClassMatrix workspace={workspace.slug} />
      </div>
    </>
  );
}
