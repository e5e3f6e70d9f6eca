import { listMembers } from "../services/member/list-members.js";
import { removeMember } from "../services/member/remove-member.js";
import { updateMemberRole } from "../services/member/update-member-role.js";
import { router, tenantProcedure } from "../trpc.js";
import { removeMemberInput, updateMemberRoleInput } from "./member.schema.js";

export const memberRouter = router({
  list: tenantProcedure("member.read").query(({ ctx }) => listMembers(ctx.tx, { tenantId: ctx.tenant.id })),
  updateRole: tenantProcedure("member.updateRole")
    .input(updateMemberRoleInput)
    .mutation(({ ctx, input }) =>
      updateMemberRole(ctx.tx, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        actorRole: ctx.role,
        userId: input.userId,
        role: input.role,
      }),
    ),
  // Viewer here because members may leave; removing someone else needs admin (checked in the service).
  remove: tenantProcedure("member.remove")
    .input(removeMemberInput)
    .mutation(({ ctx, input }) =>
      removeMember(ctx.tx, {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        actorRole: ctx.role,
        userId: input.userId,
      }),
    ),
});
