import { comments, type Tx } from "@strata/db";
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "../../errors.js";

export const COMMENT_NOT_FOUND = "Comment not found";

/** A comment of the workspace that is not deleted, locked for the change about to be made. */
export async function findLiveComment(tx: Tx, params: { tenantId: string; id: string }) {
  const [comment] = await tx
    .select()
    .from(comments)
    .where(
      and(eq(comments.tenantId, params.tenantId), eq(comments.id, params.id), isNull(comments.deletedAt)),
    )
    .for("update");
  if (!comment) throw new AppError("NOT_FOUND", COMMENT_NOT_FOUND);
  return comment;
}
