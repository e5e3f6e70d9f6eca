import { commentEntity } from "@strata/db";
import { z } from "zod";

export const COMMENT_MAX_LENGTH = 5000;

const commentBody = z
  .string()
  .trim()
  .min(1, "Write a comment first")
  .max(COMMENT_MAX_LENGTH, `A comment can be at most ${COMMENT_MAX_LENGTH.toLocaleString("en")} characters`);

/** The thread of one entity: a segment set or a policy. */
const thread = {
  entityType: z.enum(commentEntity.enumValues),
  entityId: z.uuid("Not an id"),
};

export const listCommentsInput = z.object(thread);
export const createCommentInput = z.object({ ...thread, body: commentBody });
export const updateCommentInput = z.object({
  id: z.uuid("Not a comment id"),
  data: z.object({ body: commentBody }),
});
export const deleteCommentInput = z.object({ id: z.uuid("Not a comment id") });
export const markCommentsReadInput = z.object({
  ...thread,
  /** The newest comment the page showed: later ones stay unread. Now when left out. */
  upTo: z.coerce.date().optional(),
});
