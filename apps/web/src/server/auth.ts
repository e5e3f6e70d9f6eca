import "server-only";
import { createAuthOptions, resolveAuthSecret } from "@strata/auth";
import { readDbEnv } from "@strata/db";
import type { AuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { ensureAuthUrl } from "@/env";
import { getReadyDatabase } from "./database";

const shared = globalThis as { __strataAuthOptions?: Promise<AuthOptions> };

export function getAuthOptions(): Promise<AuthOptions> {
  shared.__strataAuthOptions ??= (async () => {
    ensureAuthUrl();
    const secret = await resolveAuthSecret(readDbEnv().STRATA_DATA_DIR);
    return createAuthOptions({ getDatabase: getReadyDatabase, secret });
  })();
  return shared.__strataAuthOptions;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** The signed-in user of this request, or null. Cached per request. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(await getAuthOptions());
  const user = session?.user as { id?: string; email?: string | null; name?: string | null } | undefined;
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? "", name: user.name ?? "" };
});
