import { signUp } from "../services/account/sign-up.js";
import { protectedProcedure, publicProcedure, router } from "../trpc.js";
import { signUpInput } from "./account.schema.js";

export const accountRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => signUp(ctx.database.db, input)),
  me: protectedProcedure.query(({ ctx }) => ctx.user),
});
