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
    const authUrl = ensureAuthUrl();
    const secret = auth.resolveAuthSecret(db.readDbEnv().STRATA_DATA_DIR);
    return auth.createAuthOptions({
      getDatabase: getReadyDatabase,
      secret,
      authUrl,
      trustedProxies: auth.readAuthEnv().STRATA_TRUSTED_PROXIES,
    });
  })();
  return shared.__strataAuthOptions;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/**
 * The signed-in user of this request, or null. Cached per request. Reading the session checks the
 * user's session version (@strata/auth options), so a changed password ends it here.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(await getAuthOptions());
  const user = session?.user as { id?: string; email?: string | null; name?: string | null } | undefined;
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? "", name: user.name ?? "" };
});

/**
 * Makes the socket's address readable by request handlers (see @strata/auth client-ip). Called once
 * at server start, before requests are served.
 */
export function captureClientAddresses(): void {
  auth.captureSocketAddresses();
}

/**
 * The client's address for rate limiting: the socket's, or the one our STRATA_TRUSTED_PROXIES
 * proxies report; never X-Forwarded-For as the client sent it.
 */
export function clientIp(headers: Headers): string | undefined {
  return auth.clientIp(headers, { trustedProxies: auth.readAuthEnv().STRATA_TRUSTED_PROXIES });
}
