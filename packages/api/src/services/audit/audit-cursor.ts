import { AppError } from "../../errors.js";

// Keyset cursors over audit events are opaque to clients: the last item's (createdAt, id), newest first.
export function encodeAuditCursor(item: { createdAt: Date; id: string }): string {
  return Buffer.from(`${item.createdAt.toISOString()}|${item.id}`).toString("base64url");
}

export function decodeAuditCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime()))
    throw new AppError("BAD_REQUEST", "Invalid cursor", "cursor");
  return { createdAt, id };
}
