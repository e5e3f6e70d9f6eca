/** One audit event as the activity feed needs it. */
export interface ActivityEventInput {
  action: string;
  targetType: string;
  /** The actor's display name; null for the system or a deleted account. */
  actorName: string | null;
  /** The target's name now (segment set, member, run), when it is known. */
  targetName: string | null;
  details: Record<string, unknown>;
}

const NOUNS: Record<string, string> = {
  segment_set: "segment set",
  segment: "segment",
  policy: "policy",
  run: "run",
  import: "import",
  tenant: "workspace",
  user: "member",
  audit: "audit log",
};

// The verb of `<aggregate>.<verb>` as it reads in a sentence; unknown verbs read as their words.
const VERBS: Record<string, string> = {
  created: "created",
  published: "published",
  updated: "changed",
  renamed: "renamed",
  approved: "approved",
  rejected: "sent back",
  sent_back: "sent back",
  returned: "sent back",
  submitted: "asked for review of",
  review_requested: "asked for review of",
  submitted_for_review: "asked for review of",
  restored: "restored a version of",
  deleted: "deleted",
  queued: "started",
  cancelled: "cancelled",
  retried: "retried",
  started: "started",
  exported: "exported",
  downloaded: "downloaded",
};

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== ""
    ? value.trim()
    : typeof value === "number"
      ? String(value)
      : null;
}

function quoted(name: string | null): string {
  return name ? ` ${name}` : "";
}

/** " v3" when the event names a version. */
function versionOf(details: Record<string, unknown>): string {
  const version = text(details.version) ?? text(details.toVersion);
  return version ? ` v${version}` : "";
}

/**
 * An audit event as a sentence for the activity feed: "Ana approved segment set Value tiers v3".
 * Written for any member to read: names, never raw details (those stay on the admins' audit page).
 */
export function describeActivity(event: ActivityEventInput): string {
  const actor = event.actorName ?? "Someone";
  const [aggregate = "", verbKey = ""] = event.action.split(".", 2);
  const name = event.targetName ?? text(event.details.name) ?? text(event.details.fileName);
  const noun = NOUNS[event.targetType] ?? event.targetType.replace(/_/g, " ");
  const d = event.details;
  switch (event.action) {
    case "tenant.created":
      return `${actor} created the workspace${quoted(name)}`;
    case "member.joined":
      return `${actor} joined the workspace as ${text(d.role) ?? "a member"}`;
    case "member.left":
      return `${actor} left the workspace`;
    case "member.removed":
      return `${actor} removed ${name ?? "a member"} from the workspace`;
    case "member.role_changed":
      return `${actor} made ${name ?? "a member"} ${text(d.to) ?? "another role"}`;
    case "run.queued":
      return `${actor} started a ${text(d.algorithm) ?? "segmentation"} run${quoted(name)}`;
    case "import.started":
      return `${actor} started importing ${text(d.kind) ?? "data"}${text(d.fileName) ? ` from ${text(d.fileName)}` : ""}`;
    case "segment.exported":
      return `${actor} exported the customers of segment${quoted(name)}${text(d.setName) ? ` (${text(d.setName)})` : ""}`;
    case "audit.exported":
      return `${actor} exported the audit log`;
    // Privacy: the sentence names no customer (an erased one is gone; an export is of one person).
    case "customer.erased":
      return `${actor} erased a customer and everything held on them`;
    case "customer.data_exported":
      return `${actor} exported everything held on a customer`;
    case "order_lines.retention_applied":
      return `${text(d.deleted) ?? "Some"} order lines older than ${text(d.months) ?? "the retention's"} months were deleted`;
  }
  if (aggregate === "comment") {
    const where = `${NOUNS[event.targetType] ?? noun}${quoted(name)}`;
    if (verbKey === "created") {
      const mentions = Number(d.mentions ?? 0);
      return `${actor} commented on ${where}${mentions > 0 ? `, mentioning ${mentions === 1 ? "a member" : `${mentions} members`}` : ""}`;
    }
    if (verbKey === "edited") return `${actor} edited a comment on ${where}`;
    if (verbKey === "deleted") return `${actor} deleted a comment on ${where}`;
  }
  const verb = VERBS[verbKey] ?? verbKey.replace(/_/g, " ");
  return `${actor} ${verb} ${noun}${quoted(name)}${versionOf(d)}`;
}
