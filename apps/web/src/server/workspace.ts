import "server-only";
import type { Permission } from "@strata/api";
import type { Role } from "@strata/auth";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { trpcErrorCode } from "@/lib/errors";
import { getCaller } from "@/trpc/server";
import { getSessionUser, type SessionUser } from "./auth";
import { api, auth } from "./modules";

export interface CurrentWorkspace {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

/**
 * What the caller's role allows in the UI, read from the api's permissions table (the one
 * tenantProcedure checks). The api checks every call again; this only shapes the page.
 */
export interface WorkspaceAccess {
  /** Every named permission: `can["segmentSet.publish"]`. */
  can: Record<Permission, boolean>;
  /** May change data: import files, start runs, publish segment sets. */
  canEdit: boolean;
  /** May manage the workspace: members, invitations, the audit log. */
  isAdmin: boolean;
  isOwner: boolean;
  /** Roles this member may hand out (invite with, or change someone to): owners alone grant owner. */
  grantableRoles: Role[];
}

/**
 * The workspace in the URL and the caller's role in it, once per request. Signed-out users go to
 * sign-in; a workspace the user is not a member of is a 404, exactly like one that does not exist.
 */
export const requireWorkspace = cache(
  async (
    slug: string,
  ): Promise<{ user: SessionUser; workspace: CurrentWorkspace; access: WorkspaceAccess }> => {
    const user = await getSessionUser();
    if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${slug}`)}`);
    const caller = await getCaller();
    let workspace: CurrentWorkspace;
    try {
      workspace = await caller.tenant.get({ workspace: slug });
    } catch (error) {
      const code = trpcErrorCode(error);
      if (code === "NOT_FOUND" || code === "BAD_REQUEST") notFound();
      throw error;
    }
    const isOwner = workspace.role === "owner";
    const can = api.permissionsOf(workspace.role);
    const access: WorkspaceAccess = {
      can,
      canEdit: can["import.upload"] && can["run.create"] && can["segmentSet.publish"],
      isAdmin: can["member.updateRole"] && can["invitation.create"] && can["audit.read"],
      isOwner,
      // Highest first, as a person reads a role menu.
      grantableRoles: [...auth.ROLES].filter((role) => role !== "owner" || isOwner).reverse(),
    };
    return { user, workspace, access };
  },
);
