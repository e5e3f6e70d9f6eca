import { hasRole, type Role } from "@strata/auth";
import { type Database, type DrizzleDb, type Tx, tenants, users, withTenant } from "@strata/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { z } from "zod";
import { AppError, toPublicError } from "./errors.js";
import { isPermission, type Permission, requiredRole } from "./permissions.js";
import { BATCH_TOO_LARGE_MESSAGE, TRPC_BATCH_TOO_LARGE } from "./request-limits.js";
import { getMembership } from "./services/member/get-membership.js";

export interface Context {
  database: Database;
  /** The signed-in user's id from the session, or null. */
  userId: string | null;
  /**
   * The session's users.session_version, when the caller read the session cookie itself rather than
   * through next-auth's session callback (which checks it): signed-in procedures then check it.
   */
  sessionVersion?: number | undefined;
  ip?: string | undefined;
  /**
   * Look-ups shared by the procedures of one HTTP request (a tRPC batch): see `once`. Absent on
   * contexts that outlive a request (a caller in a test or the CLI): they read afresh every call.
   */
  lookups?: Map<string, Promise<unknown>> | undefined;
}

export function createContext(input: {
  database: Database;
  userId: string | null;
  sessionVersion?: number | undefined;
  ip?: string | undefined;
  /** The context serves one HTTP request only: its procedures may share look-ups. */
  perRequest?: boolean;
}): Context {
  return {
    database: input.database,
    userId: input.userId,
    sessionVersion: input.sessionVersion,
    ip: input.ip,
    lookups: input.perRequest ? new Map() : undefined,
  };
}

/**
 * The value of `load` for `key`, computed once per request: a page's batch of procedures reads the
 * caller and the workspace once, not once per procedure. A failed look-up is not kept.
 */
function once<T>(ctx: Context, key: string, load: () => Promise<T>): Promise<T> {
  const lookups = ctx.lookups;
  if (!lookups) return load();
  let value = lookups.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    lookups.set(key, value);
    value.catch(() => lookups.delete(key));
  }
  return value;
}

export interface ErrorData {
  code: TRPCError["code"];
  httpStatus: number;
  path?: string | undefined;
  /** Field name -> messages; "" holds messages about the input as a whole. */
  fieldErrors: Record<string, string[]>;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // What a client sees of an error: a readable message, the code and field errors. Never a stack,
  // and never the text of an unexpected error (it could hold SQL or data): that goes to the log.
  errorFormatter({ shape, error }) {
    // The same mapping the REST front doors use (errors.ts toPublicError). Codes tRPC has and AppError
    // lacks (PARSE_ERROR, METHOD_NOT_SUPPORTED…) keep tRPC's own message, written for clients.
    const known = toPublicError(error);
    const message =
      error.code === "BAD_REQUEST" && error.message === TRPC_BATCH_TOO_LARGE
        ? BATCH_TOO_LARGE_MESSAGE
        : known.isExpected || error.code === "INTERNAL_SERVER_ERROR"
          ? known.message
          : error.message;
    const fieldErrors = known.fieldErrors;
    const data: ErrorData = {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      fieldErrors,
    };
    return { code: shape.code, message, data };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

// Services throw AppError; here it becomes a TRPCError with the same code (and HTTP status), once.
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    console.error("[api] unexpected error:", result.error.cause ?? result.error);
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapAppErrors);

/** Signed in: `ctx.user` is the current user (a session for a deleted user counts as signed out). */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const userId = ctx.userId;
  if (!userId) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
  const [row] = await once(ctx, `user:${userId}`, () =>
    ctx.database.db
      .select({ id: users.id, email: users.email, name: users.name, sessionVersion: users.sessionVersion })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1),
  );
  // A deleted user, or (when the caller read the cookie itself) a session ended by a password change.
  if (!row || (ctx.sessionVersion !== undefined && row.sessionVersion !== ctx.sessionVersion))
    throw new AppError("UNAUTHORIZED", "Your session has ended. Sign in again.");
  const user = { id: row.id, email: row.email, name: row.name };
  return next({ ctx: { user } });
});

/** Every tenant procedure's input includes the workspace slug; each procedure adds its own fields. */
export const workspaceInput = z.object({ workspace: z.string().trim().min(1, "Choose a workspace").max(64) });

export const WORKSPACE_NOT_FOUND = "Workspace not found";

async function findTenantBySlug(db: DrizzleDb, slug: string) {
  const [tenant] = await db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.slug, slug.toLowerCase()))
    .limit(1);
  return tenant;
}

/**
 * A procedure inside one workspace, for members allowed `permission` (PERMISSIONS in permissions.ts).
 * Resolves the tenant and the caller's membership once, then runs the handler in `withTenant`
 * (row-level security on) with `ctx.tx`, `ctx.tenant` and `ctx.role`. Not a member, or no such
 * workspace: NOT_FOUND, the same answer either way, so other tenants' workspaces cannot be
 * discovered. Any error rolls back.
 *
 * A bare role name is still accepted for call sites not yet named in the table; prefer a permission.
 */
export function tenantProcedure(permission: Permission | Role) {
  const minRole = isPermission(permission) ? requiredRole(permission) : permission;
  return protectedProcedure.input(workspaceInput).use(async ({ ctx, input, next }) => {
    const slug = input.workspace.toLowerCase();
    const tenant = await once(ctx, `tenant:${slug}`, () => findTenantBySlug(ctx.database.db, slug));
    if (!tenant) throw new AppError("NOT_FOUND", WORKSPACE_NOT_FOUND);
    return withTenant(ctx.database.db, tenant.id, async (tx: Tx) => {
      const membership = await getMembership(tx, { tenantId: tenant.id, userId: ctx.user.id });
      if (!membership) throw new AppError("NOT_FOUND", WORKSPACE_NOT_FOUND);
      if (!hasRole(membership.role, minRole)) {
        throw new AppError(
          "FORBIDDEN",
          `This needs the ${minRole} role or higher; you are ${membership.role}.`,
        );
      }
      const result = await next({ ctx: { tx, tenant, role: membership.role } });
      // tRPC reports a failed handler as a result, not a throw; throw it so the transaction rolls back.
      if (!result.ok) throw result.error;
      return result;
    });
  });
}
