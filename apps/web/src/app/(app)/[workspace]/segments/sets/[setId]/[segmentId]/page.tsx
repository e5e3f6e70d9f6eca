import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SegmentCustomers } from "@/components/segments/segment-customers";
import { PageHeader } from "@/components/ui/page-header";
import { trpcErrorCode } from "@/lib/errors";
import { requireWorkspace } from "@/server/workspace";
import { getCaller } from "@/trpc/server";

export const metadata: Metadata = { title: "Segment customers" };

export default async function SegmentPage({
  params,
}: {
  params: Promise<{ workspace: string; setId: string; segmentId: string }>;
}) {
  const { workspace: slug, setId, segmentId } = await params;
  const { workspace } = await requireWorkspace(slug);
  const segment = await (await getCaller()).segment
    .get({ workspace: workspace.slug, id: segmentId })
    .catch((error: unknown) => {
      const code = trpcErrorCode(error);
      if (code === "NOT_FOUND" || code === "BAD_REQUEST") notFound();
      throw error;
    });
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/segments/sets/${setId}`} className="text-brand-700 hover:underline">
          {segment.setName}
        </Link>
      </p>
      <PageHeader
        title={segment.name}
        description={
          <>
            <span
              className="mr-2 inline-block size-3 rounded-full align-middle"
              style={{ backgroundColor: segment.color }}
              aria-hidden
            />
            {segment.size.toLocaleString("en")} customers
            {segment.description ? ` · ${segment.description}` : ""}
          </>
        }
      />
      <SegmentCustomers workspace={workspace.slug} segmentId={segment.id} />
    </>
  );
}
