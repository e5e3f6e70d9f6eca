import { requireWorkspace } from "@/server/workspace";
import { getCaller } from "@/trpc/server";
import { SegmentSetDetail } from "./definitions/segment-set-detail";

/**
 * A segment set with what the caller may do with it: edit (editors), ask for review, and approve or
 * send back (admins and owners; editors too where the workspace allows it). The api checks each
 * action again; this only decides which buttons the page shows.
 */
export async function SegmentSetView({ workspace, setId }: { workspace: string; setId: string }) {
  const { workspace: current, access } = await requireWorkspace(workspace);
  const settings = await (await getCaller()).tenant.settings({ workspace });
  const isApprover = current.role === "owner" || current.role === "admin";
  return (
    <SegmentSetDetail
      workspace={workspace}
      setId={setId}
      permissions={{
        canEdit: access.can["segmentSet.edit"],
        canReview: access.can["segmentSet.review"],
        canApprove: isApprover || (current.role === "editor" && settings.editorsCanApprove),
      }}
    />
  );
}
