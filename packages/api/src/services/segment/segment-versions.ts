import type { Role } from "@strata/auth";
import {
  type SegmentSetSnapshot,
  segmentSets,
  segmentSetVersions,
  segments,
  type Tx,
  tenants,
  users,
} from "@strata/db";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

export type SegmentSetRow = typeof segmentSets.$inferSelect;

/** The set of the tenant, locked for the rest of the transaction (saves of one set go one at a time). */
export async function lockSegmentSet(tx: Tx, params: { tenantId: string; setId: string }) {
  const [set] = await tx
    .select()
    .from(segmentSets)
    .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.setId)))
    .for("update");
  if (!set) throw new AppError("NOT_FOUND", "Segment set not found");
  return set;
}

/** What the set and its segments look like now, as a version stores it. */
export async function snapshotOf(
  tx: Tx,
  set: SegmentSetRow,
  mapping?: SegmentSetSnapshot["mapping"],
): Promise<SegmentSetSnapshot> {
  const list = await tx
    .select()
    .from(segments)
    .where(and(eq(segments.tenantId, set.tenantId), eq(segments.segmentSetId, set.id)))
    .orderBy(asc(segments.position));
  return {
    name: set.name,
    description: set.description,
    runId: set.runId,
    rule: set.rule,
    baseSegmentId: set.baseSegmentId,
    customerCount: set.customerCount,
    ...(mapping ? { mapping } : {}),
    segments: list.map((s) => ({
      id: s.id,
      position: s.position,
      name: s.name,
      description: s.description,
      color: s.color,
      size: s.size,
      active: s.active,
    })),
  };
}

/** The snapshot a version stored, or NOT_FOUND naming the version. */
export async function versionSnapshot(
  tx: Tx,
  params: { tenantId: string; setId: string; version: number },
): Promise<SegmentSetSnapshot> {
  const [row] = await tx
    .select({ snapshot: segmentSetVersions.snapshot })
    .from(segmentSetVersions)
    .where(
      and(
        eq(segmentSetVersions.tenantId, params.tenantId),
        eq(segmentSetVersions.segmentSetId, params.setId),
        eq(segmentSetVersions.version, params.version),
      ),
    );
  if (!row) throw new AppError("NOT_FOUND", `This segment set has no version ${params.version}.`, "version");
  return row.snapshot;
}

/** Appends a version (the set row already carries `version`). */
export async function writeVersion(
  tx: Tx,
  params: { set: SegmentSetRow; userId: string | null; message: string; snapshot: SegmentSetSnapshot },
): Promise<void> {
  await tx.insert(segmentSetVersions).values({
    tenantId: params.set.tenantId,
    segmentSetId: params.set.id,
    version: params.set.version,
    authorId: params.userId,
    message: params.message,
    snapshot: params.snapshot,
  });
}

/**
 * The differences between two snapshots in sentences a reviewer reads: renames, description and
 * colour changes, the rule, segments added or retired, membership counts before and after.
 */
export function describeChanges(before: SegmentSetSnapshot, after: SegmentSetSnapshot): string[] {
  const lines: string[] = [];
  if (before.name !== after.name) lines.push(`Set renamed from "${before.name}" to "${after.name}"`);
  if ((before.description ?? "") !== (after.description ?? "")) lines.push("Set description changed");
  if (before.runId !== after.runId) lines.push("Segments re-published from another run");
  if (JSON.stringify(before.rule) !== JSON.stringify(after.rule)) lines.push(`Rule changed`);
  if (before.baseSegmentId !== after.baseSegmentId) lines.push("Base segment changed");
  const old = new Map(before.segments.map((s) => [s.id, s]));
  for (const s of after.segments) {
    const o = old.get(s.id);
    if (!o) {
      lines.push(`Segment "${s.name}" added`);
      continue;
    }
    if (o.name !== s.name) lines.push(`Segment "${o.name}" renamed to "${s.name}"`);
    if ((o.description ?? "") !== (s.description ?? ""))
      lines.push(`Segment "${s.name}": description changed`);
    if (o.color !== s.color) lines.push(`Segment "${s.name}": colour changed`);
    if (o.active && !s.active) lines.push(`Segment "${s.name}" retired (no cluster maps to it)`);
    if (!o.active && s.active) lines.push(`Segment "${s.name}" back in use`);
    if (o.size !== s.size)
      lines.push(
        `Segment "${s.name}": ${o.size.toLocaleString("en")} → ${s.size.toLocaleString("en")} customers`,
      );
  }
  if (before.customerCount !== after.customerCount)
    lines.push(
      `Customers: ${before.customerCount.toLocaleString("en")} → ${after.customerCount.toLocaleString("en")}`,
    );
  return lines;
}

/**
 * Refuses a save that started from an older version: the message says who saved what since, so
 * the second saver can redo their change on top (their draft stays in their form).
 */
export async function assertCurrentVersion(tx: Tx, set: SegmentSetRow, baseVersion: number): Promise<void> {
  if (set.version === baseVersion) return;
  const [from, to] = await Promise.all([
    versionSnapshot(tx, { tenantId: set.tenantId, setId: set.id, version: baseVersion }).catch(() => null),
    snapshotOf(tx, set),
  ]);
  const [last] = await tx
    .select({ name: users.name, email: users.email, message: segmentSetVersions.message })
    .from(segmentSetVersions)
    .leftJoin(users, eq(users.id, segmentSetVersions.authorId))
    .where(and(eq(segmentSetVersions.segmentSetId, set.id), eq(segmentSetVersions.version, set.version)));
  const who = last ? (last.name ?? last.email ?? "someone") : "someone";
  const changes = from ? describeChanges(from, to) : [];
  throw new AppError(
    "CONFLICT",
    `This set changed while you were editing: version ${set.version} was saved by ${who}${last?.message ? ` ("${last.message}")` : ""}, you started from version ${baseVersion}.${changes.length ? ` Changes since: ${changes.join("; ")}.` : ""} Your draft is kept: review it against the new version and save again.`,
    "baseVersion",
  );
}

/** Admins and owners approve; editors too where the workspace allows it. */
export async function canApprove(tx: Tx, params: { tenantId: string; role: Role }): Promise<boolean> {
  if (params.role === "owner" || params.role === "admin") return true;
  if (params.role !== "editor") return false;
  const [tenant] = await tx
    .select({ editorsCanApprove: tenants.editorsCanApprove })
    .from(tenants)
    .where(eq(tenants.id, params.tenantId));
  return tenant?.editorsCanApprove ?? false;
}

export interface SegmentSetEdit {
  tenantId: string;
  userId: string;
  setId: string;
  baseVersion: number;
  message: string;
  name?: string | undefined;
  description?: string | null | undefined;
  segments?: Array<{ id: string; name?: string; description?: string | null; color?: string }> | undefined;
}

/**
 * Saves a change to a set's names, descriptions or colours as a new draft version. The approved
 * version (and so exports, cost-to-serve and policies) is untouched until the draft is approved.
 */
export async function editSegmentSet(tx: Tx, params: SegmentSetEdit) {
  const set = await lockSegmentSet(tx, params);
  await assertCurrentVersion(tx, set, params.baseVersion);
  const before = await snapshotOf(tx, set);
  const current = new Map(before.segments.map((s) => [s.id, s]));
  const names = new Map(before.segments.map((s) => [s.id, s.name]));
  for (const edit of params.segments ?? []) {
    if (!current.has(edit.id))
      throw new AppError("BAD_REQUEST", "This set has no such segment.", `segments.${edit.id}`);
    if (edit.name !== undefined) {
      const name = edit.name.trim();
      if (!name) throw new AppError("BAD_REQUEST", "A segment needs a name.", `segments.${edit.id}.name`);
      names.set(edit.id, name);
    }
  }
  const seen = new Map<string, string>();
  for (const [id, name] of names) {
    const other = seen.get(name.toLowerCase());
    if (other && other !== id)
      throw new AppError(
        "BAD_REQUEST",
        `Two segments are called "${name}": give each its own name.`,
        `segments.${id}.name`,
      );
    seen.set(name.toLowerCase(), id);
  }
  const name = params.name?.trim() ?? set.name;
  if (!name) throw new AppError("BAD_REQUEST", "The set needs a name.", "name");

  for (const edit of params.segments ?? []) {
    const patch: Partial<typeof segments.$inferInsert> = {};
    if (edit.name !== undefined) patch.name = edit.name.trim();
    if (edit.description !== undefined) patch.description = edit.description?.trim() || null;
    if (edit.color !== undefined) patch.color = edit.color;
    if (Object.keys(patch).length > 0)
      await tx
        .update(segments)
        .set(patch)
        .where(and(eq(segments.tenantId, params.tenantId), eq(segments.id, edit.id)));
  }
  const [saved] = await tx
    .update(segmentSets)
    .set({
      name,
      ...(params.description !== undefined ? { description: params.description?.trim() || null } : {}),
      version: set.version + 1,
      status: "draft",
      reviewNote: null,
      updatedBy: params.userId,
      updatedAt: new Date(),
    })
    .where(eq(segmentSets.id, set.id))
    .returning();
  const after = await snapshotOf(tx, saved!);
  const changes = describeChanges(before, after);
  if (changes.length === 0) throw new AppError("BAD_REQUEST", "Nothing changed: there is nothing to save.");
  const message = params.message.trim() || changes[0]!;
  await writeVersion(tx, { set: saved!, userId: params.userId, message, snapshot: after });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.edited",
    targetType: "segment_set",
    targetId: set.id,
    details: { version: saved!.version, message, changes, before: summary(before), after: summary(after) },
  });
  return { id: set.id, version: saved!.version, status: saved!.status, changes };
}

function summary(s: SegmentSetSnapshot) {
  return { name: s.name, segments: s.segments.map((x) => ({ id: x.id, name: x.name, size: x.size })) };
}

/** Every version of a set, newest first, each with what changed from the one before. */
export async function listSegmentSetVersions(tx: Tx, params: { tenantId: string; setId: string }) {
  const [set] = await tx
    .select({ id: segmentSets.id, approvedVersion: segmentSets.approvedVersion })
    .from(segmentSets)
    .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.setId)));
  if (!set) throw new AppError("NOT_FOUND", "Segment set not found");
  const rows = await tx
    .select({
      version: segmentSetVersions.version,
      message: segmentSetVersions.message,
      createdAt: segmentSetVersions.createdAt,
      snapshot: segmentSetVersions.snapshot,
      authorName: users.name,
      authorEmail: users.email,
    })
    .from(segmentSetVersions)
    .leftJoin(users, eq(users.id, segmentSetVersions.authorId))
    .where(and(eq(segmentSetVersions.tenantId, params.tenantId), eq(segmentSetVersions.segmentSetId, set.id)))
    .orderBy(desc(segmentSetVersions.version));
  return rows.map((row, i) => {
    const previous = rows[i + 1];
    return {
      version: row.version,
      message: row.message,
      createdAt: row.createdAt,
      author: row.authorName ?? row.authorEmail ?? "Someone",
      isApproved: row.version === set.approvedVersion,
      changes: previous ? describeChanges(previous.snapshot, row.snapshot) : ["First version"],
      snapshot: row.snapshot,
    };
  });
}

/**
 * Restores an older version as a new draft: names, descriptions, colours, the rule and, for an ML
 * set, the run and cluster mapping it used. Nothing is lost: the versions in between stay.
 */
export async function restoreSegmentSetVersion(
  tx: Tx,
  params: { tenantId: string; userId: string; setId: string; version: number; baseVersion: number },
) {
  const set = await lockSegmentSet(tx, params);
  await assertCurrentVersion(tx, set, params.baseVersion);
  const target = await versionSnapshot(tx, {
    tenantId: params.tenantId,
    setId: set.id,
    version: params.version,
  });
  const before = await snapshotOf(tx, set);
  for (const s of target.segments)
    await tx
      .update(segments)
      .set({ name: s.name, description: s.description, color: s.color })
      .where(and(eq(segments.tenantId, params.tenantId), eq(segments.id, s.id)));
  const [saved] = await tx
    .update(segmentSets)
    .set({
      name: target.name,
      description: target.description,
      rule: target.rule,
      baseSegmentId: target.baseSegmentId,
      runId: target.runId,
      version: set.version + 1,
      status: "draft",
      reviewNote: null,
      updatedBy: params.userId,
      updatedAt: new Date(),
    })
    .where(eq(segmentSets.id, set.id))
    .returning();
  // Sizes and activity stay those of the approved memberships until the restored draft is approved.
  const after = {
    ...(await snapshotOf(tx, saved!, target.mapping)),
    segments: target.segments,
    customerCount: target.customerCount,
  };
  const message = `Restored version ${params.version}`;
  await writeVersion(tx, { set: saved!, userId: params.userId, message, snapshot: after });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.restored",
    targetType: "segment_set",
    targetId: set.id,
    details: { version: saved!.version, restored: params.version, changes: describeChanges(before, after) },
  });
  return { id: set.id, version: saved!.version, status: saved!.status };
}

/** An ML snapshot's cluster -> segment map; the first publish maps cluster i to the segment at position i. */
export function mappingOf(snapshot: SegmentSetSnapshot): Array<{ cluster: number; segmentId: string }> {
  return (
    snapshot.mapping ??
    snapshot.segments
      .map((s) => ({ cluster: s.position, segmentId: s.id }))
      .sort((a, b) => a.cluster - b.cluster)
  );
}

/** Segment sizes and the set's customer count from its memberships. */
export async function refreshSizes(tx: Tx, set: { id: string; tenantId: string }) {
  await tx.execute(sql`
    update segments s set size = coalesce(m.n, 0)
    from (select g.id, (select count(*)::int from segment_memberships sm where sm.segment_id = g.id) as n
          from segments g where g.segment_set_id = ${set.id}) m
    where s.id = m.id`);
  await tx.execute(sql`
    update segment_sets set customer_count =
      (select count(*)::int from segment_memberships where segment_set_id = ${set.id})
    where id = ${set.id}`);
}
