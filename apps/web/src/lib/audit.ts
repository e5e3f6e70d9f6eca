import { formatDateTime } from "./format";

/** Audit events per page in the settings log (server prefetch and client pages must agree). */
export const AUDIT_PAGE_SIZE = 25;

const ACTION_LABELS: Record<string, string> = {
  "tenant.create": "Workspace created",
  "tenant.created": "Workspace created",
  "member.add": "Member joined",
  "member.added": "Member joined",
  "member.update_role": "Role changed",
  "member.role_changed": "Role changed",
  "member.updateRole": "Role changed",
  "member.remove": "Member removed",
  "member.removed": "Member removed",
  "invitation.create": "Invitation created",
  "invitation.created": "Invitation created",
  "invitation.revoke": "Invitation revoked",
  "invitation.revoked": "Invitation revoked",
  "invitation.accept": "Invitation accepted",
  "invitation.accepted": "Invitation accepted",
};

/** A readable label for an audit action code; unknown codes are spelled out from their parts. */
export function describeAuditAction(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[._\s-]+/)
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function describeValue(value: unknown): string {
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === "string" && ISO_DATE.test(value)) return formatDateTime(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Audit details as short "key: value" pairs; dates are readable, nested values compact JSON. */
export function describeAuditDetails(details: unknown): string {
  if (details === null || details === undefined) return "";
  if (typeof details !== "object") return String(details);
  return Object.entries(details as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && value !== "")
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join(" · ");
}
