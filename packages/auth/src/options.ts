import type { Database } from "@strata/db";
import type { AuthOptions, DefaultSession } from "next-auth";
import CredentialsImport from "next-auth/providers/credentials";
import { authorizeCredentials } from "./authorize.js";

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
}

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined;

/** The caller's address from proxy headers (the first hop of x-forwarded-for), if any. */
export function clientIp(headers: HeaderBag): string | undefined {
  const read = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, string | string[] | undefined>)[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const forwarded = read("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || read("x-real-ip")?.trim() || undefined;
}

/** next-auth v4 options: email + password (provider id `credentials`), JWT sessions with user.id. */
export function createAuthOptions({ getDatabase, secret }: CreateAuthOptionsInput): AuthOptions {
  return {
    secret,
    session: { strategy: "jwt" },
    pages: { signIn: "/sign-in" },
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
            ip: clientIp(req?.headers as HeaderBag),
          });
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.name = user.name ?? null;
          token.email = user.email ?? null;
        }
        return token;
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
