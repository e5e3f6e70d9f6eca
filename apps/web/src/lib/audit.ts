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
  "member.joined": "Member joined",
  "member.left": "Member left",
  "segment_set.published": "Segment set published",
  "comment.created": "Comment added",
  "comment.edited": "Comment edited",
  "comment.deleted": "Comment deleted",
  "run.queued": "Run started",
  "run.cancelled": "Run cancelled",
  "run.retried": "Run retried",
  "import.started": "Import started",
  "import.cancelled": "Import cancelled",
  "segment.exported": "Segment exported",
  "audit.exported": "Audit log exported",
};

/** The kinds of entity the audit page filters by (audit events' `target_type`). */
export const AUDIT_TARGET_TYPES = [
  { value: "segment_set", label: "Segment sets" },
  { value: "segment", label: "Segments" },
  { value: "run", label: "Runs" },
  { value: "import", label: "Imports" },
  { value: "user", label: "Members" },
  { value: "invitation", label: "Invitations" },
  { value: "tenant", label: "Workspace" },
  { value: "audit", label: "Audit log" },
] as const;

/** The audit page's filter fields as typed (dates as `yyyy-mm-dd`, days in UTC like the times shown). */
export interface AuditFilterForm {
  targetType: string;
  targetId: string;
  actorUserId: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterForm = {
  targetType: "",
  targetId: "",
  actorUserId: "",
  from: "",
  to: "",
};

/** The filters as `audit.list` takes them: empty fields left out, days widened to whole UTC days. */
export function auditFilterInput(form: AuditFilterForm): {
  targetType?: string;
  targetId?: string;
  actorUserId?: string;
  from?: Date;
  to?: Date;
} {
  const out: ReturnType<typeof auditFilterInput> = {};
  if (form.targetType) out.targetType = form.targetType;
  if (form.targetId.trim()) out.targetId = form.targetId.trim();
  if (form.actorUserId) out.actorUserId = form.actorUserId;
  if (form.from) out.from = new Date(`${form.from}T00:00:00.000Z`);
  if (form.to) out.to = new Date(`${form.to}T23:59:59.999Z`);
  return out;
}

/** The CSV export of the log with the same filters (GET /api/workspaces/<slug>/audit/export). */
export function auditExportHref(workspace: string, form: AuditFilterForm): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(auditFilterInput(form))) {
    query.set(key, value instanceof Date ? value.toISOString() : value);
  }
  const qs = query.toString();
  return `/api/workspaces/${encodeURIComponent(workspace)}/audit/export${qs ? `?${qs}` : ""}`;
}

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
