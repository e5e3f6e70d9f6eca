import { changePassword } from "../services/account/change-password.js";
import { signUp } from "../services/account/sign-up.js";
import { enforceRateLimits, signUpLimits } from "../services/rate-limit/enforce-rate-limits.js";
import { protectedProcedure, publicProcedure, router } from "../trpc.js";
import { changePasswordInput, signUpInput } from "./account.schema.js";

export const accountRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimits(ctx.database, signUpLimits(ctx.ip));
    return signUp(ctx.database.db, input);
  }),
  me: protectedProcedure.query(({ ctx }) => ctx.user),
  /** Ends every session of the user, this one included: the browser signs in again with the new password. */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(({ ctx, input }) =>
    changePassword(ctx.database, { userId: ctx.user.id, ...input, ip: ctx.ip }).then(() => ({
      ok: true as const,
    })),
  ),
});
