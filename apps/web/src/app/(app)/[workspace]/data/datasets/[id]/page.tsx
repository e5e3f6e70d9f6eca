import type { Metadata } from "next";
import Link from "next/link";
import { DatasetProfile } from "@/components/data/dataset-profile";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Dataset profile" };

export default async function DatasetPage({
  params,
}: {
  params: Promise<{ workspace: string; id: string }>;
}) {
  const { workspace: slug, id } = await params;
  const { workspace } = await requireWorkspace(slug);
  return (
    <>
      <PageHeader
        title="Dataset profile"
        description="What an analyst looks at before segmenting: types, gaps, ranges, distributions and how the features relate."
        actions={
          <Link
            className="text-sm font-medium text-brand-700 hover:underline"
            href={`/${workspace.slug}/data`}
          >
            ← All data
          </Link>
        }
      />
      <DatasetProfile workspace={workspace.slug} id={id} />
    </>
  );
}
