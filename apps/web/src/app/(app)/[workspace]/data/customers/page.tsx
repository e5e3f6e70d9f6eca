import type { Metadata } from "next";
import Link from "next/link";
import { CustomerList } from "@/components/data/customer-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="Customers"
        actions={
          <Link
            className="text-sm font-medium text-brand-700 hover:underline"
            href={`/${workspace.slug}/data`}
          >
            ← All data
          </Link>
        }
      />
      <CustomerList workspace={workspace.slug} />
    </>
  );
}
