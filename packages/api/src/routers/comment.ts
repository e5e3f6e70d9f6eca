import { addComment } from "../services/comment/add-comment.js";
import { deleteComment } from "../services/comment/delete-comment.js";
import { listComments } from "../services/comment/list-comments.js";
import { markCommentsRead } from "../services/comment/mark-thread-read.js";
import { unreadSummary } from "../services/comment/unread-summary.js";
import { updateComment } from "../services/comment/update-comment.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  createCommentInput,
  deleteCommentInput,
  listCommentsInput,
  markCommentsReadInput,
  updateCommentInput,
} from "./comment.schema.js";

/**
 * Comment threads on segment sets (and policies later, through the same tables), with @mentions of
 * members and per-member read markers. Who may do what beyond the role (one's own comments; admins
 * delete any) is checked in the services.
 */
export const commentRouter = router({
  list: tenantProcedure("comment.read")
    .input(listCommentsInput)
    .query(({ ctx, input }) =>
      listComments(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, ...input }),
    ),

  create: tenantProcedure("comment.create")
    .input(createCommentInput)
    .mutation(({ ctx, input }) =>
      addComment(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, ...input }),
    ),

  update: tenantProcedure("comment.update")
    .input(updateCommentInput)
    .mutation(({ ctx, input }) =>
      updateComment(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        id: input.id,
        body: input.data.body,
      }),
    ),

  delete: tenantProcedure("comment.delete")
    .input(deleteCommentInput)
    .mutation(({ ctx, input }) =>
      deleteComment(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, role: ctx.role, id: input.id }),
    ),

  markRead: tenantProcedure("comment.read")
    .input(markCommentsReadInput)
    .mutation(({ ctx, input }) =>
      markCommentsRead(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        entityType: input.entityType,
        entityId: input.entityId,
        upTo: input.upTo,
      }),
    ),

  unreadSummary: tenantProcedure("comment.read").query(({ ctx }) =>
    unreadSummary(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id }),
  ),
});
