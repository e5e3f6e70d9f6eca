import { decode, getToken, type JWT } from "next-auth/jwt";

/** What a request's session cookie says about who is calling; checked against the database later. */
export interface SessionClaims {
  userId: string;
  /** users.session_version at sign-in (tokens from before versions existed carry none: 0). */
  sessionVersion: number;
}

/** Any of next-auth's accepted cookie containers (Next's request cookies have `getAll`). */
export type CookieSource =
  | { getAll(): { name: string; value: string }[] }
  | Map<string, string>
  | Record<string, string>;

interface CachedClaims {
  claims: SessionClaims | null;
  /** Epoch seconds after which the token no longer counts (its `exp`). */
  expires: number;
}

/** Decoded tokens kept per process: a few thousand signed-in users' cookies at most. */
const MAX_CACHED = 5_000;
const decoded = new Map<string, CachedClaims>();

function claimsOf(token: JWT | null): SessionClaims | null {
  if (!token?.sub) return null;
  return {
    userId: token.sub,
    sessionVersion: typeof token.sessionVersion === "number" ? token.sessionVersion : 0,
  };
}

/**
 * The session claims of a request's next-auth cookie (chunked and __Secure- names included), or null
 * when there is none or it does not decrypt. Decoding derives the key (HKDF) and decrypts on every
 * call, a few milliseconds of the web process's one thread per request; a token string always
 * decodes to the same claims, so each is decoded once and kept until it expires. The session version
 * is not checked here: the caller compares it with the user's row (the api's signed-in procedures).
 * Only the cookie is read; next-auth's getToken would also take an Authorization bearer token.
 */
export async function readSessionClaims(params: {
  cookies: CookieSource;
  secret: string;
  secureCookie: boolean;
}): Promise<SessionClaims | null> {
  const raw = await getToken({
    req: { cookies: params.cookies, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: params.secret,
    secureCookie: params.secureCookie,
    raw: true,
  });
  if (!raw) return null;
  const now = Date.now() / 1000;
  const cached = decoded.get(raw);
  if (cached && cached.expires > now) return cached.claims;
  let token: JWT | null = null;
  try {
    token = await decode({ token: raw, secret: params.secret });
  } catch {
    token = null;
  }
  const claims = claimsOf(token);
  if (decoded.size >= MAX_CACHED) decoded.delete(decoded.keys().next().value!);
  // A token that does not decode is not kept: nothing is saved by remembering a forgery.
  if (token) decoded.set(raw, { claims, expires: typeof token.exp === "number" ? token.exp : now + 60 });
  return claims;
}
