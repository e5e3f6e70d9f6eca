import { requireWorkspace } from "@/server/workspace";
import { getCaller } from "@/trpc/server";
import { PolicyDetail } from "./policy-detail";

/**
 * A policy with what the caller may do with it: edit (editors), ask for review, and approve or send
 * back (admins and owners; editors too where the workspace allows it, as for segment sets). The api
 * checks each action again; this only decides which buttons the page shows.
 */
export async function PolicyView({ workspace, policyId }: { workspace: string; policyId: string }) {
  const { workspace: current, access } = await requireWorkspace(workspace);
  const settings = await (await getCaller()).tenant.settings({ workspace });
  const isApprover = current.role === "owner" || current.role === "admin";
  return (
    <PolicyDetail
      workspace={workspace}
      policyId={policyId}
      permissions={{
        canEdit: access.can["policy.edit"],
        canReview: access.can["policy.review"],
        canApprove: isApprover || (current.role === "editor" && settings.editorsCanApprove),
      }}
    />
  );
}
