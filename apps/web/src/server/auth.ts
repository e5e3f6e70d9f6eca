import "server-only";
import type { AuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { ensureAuthUrl } from "@/env";
import { getReadyDatabase } from "./database";
import { auth, db } from "./modules";

const shared = globalThis as { __strataAuthOptions?: Promise<AuthOptions> };

export function getAuthOptions(): Promise<AuthOptions> {
  shared.__strataAuthOptions ??= (async () => {
    ensureAuthUrl();
    const secret = auth.resolveAuthSecret(db.readDbEnv().STRATA_DATA_DIR);
    return auth.createAuthOptions({ getDatabase: getReadyDatabase, secret });
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

/** The client's address for rate limiting, as reported by a proxy in front of us. */
export function clientIp(headers: Headers): string | undefined {
  return auth.clientIp(headers);
}
