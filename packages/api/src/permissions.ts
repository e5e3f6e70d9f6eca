import { hasRole, type Role } from "@strata/auth";
import { AppError } from "./errors.js";

/**
 * What each action in a workspace needs: the least role allowed to do it. One table, read by
 * `tenantProcedure(permission)` on the server and by the UI's can-do checks (which only shape the
 * page; the api checks every call again). Names are `<aggregate>.<verb>`; add a row per new action
 * rather than reusing a role name at the call site.
 */
export const PERMISSIONS = {
  "workspace.read": "viewer",
  // Workspace-wide settings (e.g. whether editors may approve segment definitions).
  "workspace.updateSettings": "admin",
  // Deleting the workspace with all its rows, files and queued jobs.
  "workspace.delete": "owner",
  "dataset.read": "viewer",
  "customer.read": "viewer",
  // Values of columns marked personal at import: viewers see them masked and export without them.
  "customer.readPersonal": "editor",
  // The right to be forgotten and to a copy of one's data: erasing a customer, exporting all held on one.
  "customer.erase": "admin",
  "customer.exportData": "admin",
  "import.read": "viewer",
  "import.upload": "editor",
  "import.preview": "editor",
  "import.start": "editor",
  "import.cancel": "editor",
  "run.read": "viewer",
  "run.create": "editor",
  "run.cancel": "editor",
  "run.retry": "editor",
  "segmentSet.read": "viewer",
  "segmentSet.export": "viewer",
  "segmentSet.publish": "editor",
  // Saving a draft version (names, rules, re-publish, restore) and assigning by the model.
  "segmentSet.edit": "editor",
  // Asking for review, approving and sending back; approving is checked again in the service
  // (admins and owners, editors only where the workspace allows it).
  "segmentSet.review": "editor",
  "policy.read": "viewer",
  "policy.edit": "editor",
  // Approving is checked again in the service, as for segment definitions.
  "policy.review": "editor",
  "scenario.read": "viewer",
  // Creating, changing, evaluating and applying (applying makes policy versions in review only).
  "scenario.edit": "editor",
  "costModel.read": "viewer",
  "costModel.update": "editor",
  "costToServe.read": "viewer",
  "costToServe.compute": "editor",
  "member.read": "viewer",
  // Leaving is open to everyone; removing someone else is checked against their role in the service.
  "member.remove": "viewer",
  "member.updateRole": "admin",
  "invitation.read": "admin",
  "invitation.create": "admin",
  "invitation.revoke": "admin",
  "audit.read": "admin",
  // Commenting is collaboration, not a change to the workspace's data: viewers read and comment too.
  // Editing and deleting are of one's own comments (admins and owners delete any), checked in the service.
  "comment.read": "viewer",
  "comment.create": "viewer",
  "comment.update": "viewer",
  "comment.delete": "viewer",
  // The activity feed: readable sentences about the team's work (no invitations, no raw details).
  "activity.read": "viewer",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && Object.hasOwn(PERMISSIONS, value);
}

/** The least role that may do `permission`. */
export function requiredRole(permission: Permission): Role {
  return PERMISSIONS[permission];
}

/** True when a member with `role` may do `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return hasRole(role, PERMISSIONS[permission]);
}

/** Every permission with whether `role` has it: what a page needs to hide what the member cannot do. */
export function permissionsOf(role: Role): Record<Permission, boolean> {
  const result = {} as Record<Permission, boolean>;
  for (const permission of Object.keys(PERMISSIONS) as Permission[])
    result[permission] = can(role, permission);
  return result;
}

/** Throws FORBIDDEN, naming the role needed, when `role` may not do `permission`. */
export function assertCan(role: Role, permission: Permission): void {
  if (!can(role, permission)) {
    throw new AppError(
      "FORBIDDEN",
      `This needs the ${PERMISSIONS[permission]} role or higher; you are ${role}.`,
    );
  }
}
