import { releaseRateLimits } from "@strata/auth";
import { type Database, withInvitationToken, withTenant } from "@strata/db";
import { AppError } from "../errors.js";
import { acceptInvitation, INVITATION_NOT_FOUND } from "../services/invitation/accept-invitation.js";
import { createInvitation } from "../services/invitation/create-invitation.js";
import { findInvitationByTokenHash } from "../services/invitation/find-invitation.js";
import { listPendingInvitations } from "../services/invitation/list-invitations.js";
import { revokeInvitation } from "../services/invitation/revoke-invitation.js";
import { hashInvitationToken } from "../services/invitation/token.js";
import { enforceRateLimits, invitationLookupLimits } from "../services/rate-limit/enforce-rate-limits.js";
import { protectedProcedure, publicProcedure, router, tenantProcedure } from "../trpc.js";
import { createInvitationInput, invitationTokenInput, revokeInvitationInput } from "./invitation.schema.js";

/**
 * The invitation a link's token opens, or NOT_FOUND. Tokens cannot be guessed, but guessing is
 * throttled anyway: misses count against the client's address (a found link is not counted).
 */
async function lookUpInvitation(database: Database, token: string, ip: string | undefined) {
  const counted = await enforceRateLimits(database, invitationLookupLimits(ip));
  const tokenHash = hashInvitationToken(token);
  const found = await withInvitationToken(database.db, tokenHash, (tx) =>
    findInvitationByTokenHash(tx, { tokenHash }),
  );
  if (!found) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
  await releaseRateLimits(database, counted);
  return found;
}

export const invitationRouter = router({
  list: tenantProcedure("invitation.read").query(({ ctx }) =>
    listPendingInvitations(ctx.tx, { tenantId: ctx.tenant.id }),
  ),
  create: tenantProcedure("invitation.create")
    .input(createInvitationInput)
    .mutation(({ ctx, input }) =>
      createInvitation(ctx.tx, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        actorRole: ctx.role,
        role: input.role,
        expiresInHours: input.expiresInHours,
      }),
    ),
  revoke: tenantProcedure("invitation.revoke")
    .input(revokeInvitationInput)
    .mutation(({ ctx, input }) =>
      revokeInvitation(ctx.tx, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, id: input.id }),
    ),
  /** Public: what the link offers, shown before sign-in. */
  get: publicProcedure.input(invitationTokenInput).query(async ({ ctx, input }) => {
    const found = await lookUpInvitation(ctx.database, input.token, ctx.ip);
    return {
      workspaceName: found.workspaceName,
      role: found.role,
      expiresAt: found.expiresAt,
      status: found.status,
    };
  }),
  accept: protectedProcedure.input(invitationTokenInput).mutation(async ({ ctx, input }) => {
    const found = await lookUpInvitation(ctx.database, input.token, ctx.ip);
    const tokenHash = hashInvitationToken(input.token);
    return withTenant(ctx.database.db, found.tenantId, (tx) =>
      acceptInvitation(tx, { tenantId: found.tenantId, tokenHash, userId: ctx.user.id }),
    );
  }),
});
