import type { Database } from "@strata/db";
import type { AuthOptions, DefaultSession } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsImport from "next-auth/providers/credentials";
import { type AuthorizedUser, authorizeCredentials } from "./authorize.js";
import { clientIp, type HeaderBag } from "./client-ip.js";
import { readSessionVersion, SessionEndedError } from "./session.js";

// next-auth ships CommonJS with `exports.default`: Node's ESM loader hands us the exports object,
// a bundler hands us the function. Accept both.
type CredentialsFactory = typeof CredentialsImport.default;
const CredentialsProvider: CredentialsFactory =
  (CredentialsImport as unknown as { default?: CredentialsFactory }).default ??
  (CredentialsImport as unknown as CredentialsFactory);

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string } & DefaultSession["user"];
  }
}

export interface CreateAuthOptionsInput {
  getDatabase: () => Promise<Database>;
  secret: string;
  /** The public URL of the app (NEXTAUTH_URL): session cookies are Secure when it is https. */
  authUrl?: string | undefined;
  /** STRATA_TRUSTED_PROXIES: how the client address for rate limiting is read (client-ip.ts). */
  trustedProxies?: number | undefined;
}

/** next-auth v4 options: email + password (provider id `credentials`), JWT sessions with user.id. */
export function createAuthOptions({
  getDatabase,
  secret,
  authUrl,
  trustedProxies = 0,
}: CreateAuthOptionsInput): AuthOptions {
  return {
    secret,
    session: { strategy: "jwt" },
    pages: { signIn: "/sign-in" },
    // Secure (and __Secure-/__Host- prefixed) cookies whenever the app is served over HTTPS, also
    // behind a TLS-terminating proxy where this server itself only sees http.
    useSecureCookies: authUrl?.startsWith("https://") ?? false,
    logger: {
      error(code, metadata) {
        // An ended session is expected (next-auth clears its cookie); anything else is worth a log.
        const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error;
        if (error instanceof SessionEndedError) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const database = await getDatabase();
          // A thrown error's message reaches the sign-in page (`?error=`), e.g. the rate-limit wait.
          return authorizeCredentials(database, {
            email: credentials.email,
            password: credentials.password,
            ip: clientIp(req?.headers as HeaderBag, { trustedProxies }),
          });
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.name = user.name ?? null;
          token.email = user.email ?? null;
          token.sessionVersion = (user as Partial<AuthorizedUser>).sessionVersion ?? 0;
          return token;
        }
        if (!token.sub) return token;
        // Every read of a session: a changed password (or a deleted user) ends it.
        const current = await readSessionVersion((await getDatabase()).db, token.sub);
        if (current === undefined || current !== sessionVersionOf(token)) throw new SessionEndedError();
        return token;
      },
      // Where next-auth sends the browser after signing in or out: same-origin only.
      redirect({ url, baseUrl }) {
        return sameOriginRedirect(url, baseUrl);
      },
      session({ session, token }) {
        if (token.sub) {
          session.user = {
            ...session.user,
            id: token.sub,
            email: token.email ?? "",
            name: token.name ?? "",
          };
        }
        return session;
      },
    },
  };
}

function sessionVersionOf(token: JWT): number {
  // Tokens issued before session versions existed carry none: they count as version 0.
  return typeof token.sessionVersion === "number" ? token.sessionVersion : 0;
}

/**
 * `url` when it stays on `baseUrl`'s origin, else `baseUrl`. Relative paths must be plain paths:
 * control characters (browsers drop tabs and newlines, turning "/\t/evil" into "//evil"),
 * backslashes (read as "/") and a leading "//" (another host) are refused.
 */
export function sameOriginRedirect(url: string, baseUrl: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(url)) return baseUrl;
  if (url.startsWith("/")) return url.startsWith("//") ? baseUrl : `${baseUrl.replace(/\/$/, "")}${url}`;
  try {
    return new URL(url).origin === new URL(baseUrl).origin ? url : baseUrl;
  } catch {
    return baseUrl;
  }
}
