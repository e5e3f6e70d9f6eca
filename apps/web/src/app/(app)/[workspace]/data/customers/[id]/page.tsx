import type { Metadata } from "next";
import Link from "next/link";
import { CustomerView } from "@/components/data/customer-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({
  params,
}: {
  params: Promise<{ workspace: string; id: string }>;
}) {
  const { workspace: slug, id } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <>
      <PageHeader
        title="Customer"
        actions={
          <Link
            className="text-sm font-medium text-brand-700 hover:underline"
            href={`/${workspace.slug}/data/customers`}
          >
            ← All customers
          </Link>
        }
      />
      <CustomerView
        workspace={workspace.slug}
        id={id}
        canManagePrivacy={access.can["customer.erase"] && access.can["customer.exportData"]}
      />
    </>
  );
}
