import { z } from "zod";

// The one place @strata/auth reads process.env.
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const authEnvSchema = z.object({
  // Session signing secret. Unset: generated once into the data folder (resolveAuthSecret), which
  // only the embedded single-machine start may rely on; a production server on PostgreSQL refuses
  // to start without it (apps/web productionStartProblems).
  AUTH_SECRET: z.preprocess(emptyAsUnset, z.string().min(32, "must be at least 32 characters").optional()),
  // log2 of scrypt's N for new hashes. Tests lower it for speed; existing hashes carry their own.
  STRATA_SCRYPT_LOG_N: z.preprocess(emptyAsUnset, z.coerce.number().int().min(10).max(20).default(15)),
  // Reverse proxies in front of the web server that append to X-Forwarded-For (default 0: clients
  // connect directly and the socket's address is the client's; X-Forwarded-For is then ignored).
  STRATA_TRUSTED_PROXIES: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(10).default(0)),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

export function readAuthEnv(source: Record<string, string | undefined> = process.env): AuthEnv {
  const parsed = authEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}
