import { createRequire } from "node:module";
import { publicProcedure, router } from "../trpc.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

export const healthRouter = router({
  /** Throws (INTERNAL_SERVER_ERROR) when the database does not answer; the HTTP route maps that to 503. */
  get: publicProcedure.query(async ({ ctx }) => {
    await ctx.database.query("select 1");
    return { status: "ok" as const, database: ctx.database.driver, version };
  }),
});
