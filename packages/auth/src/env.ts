import { z } from "zod";

// The one place @strata/auth reads process.env.
const authEnvSchema = z.object({
  AUTH_SECRET: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  // log2 of scrypt's N for new hashes. Tests lower it for speed; existing hashes carry their own.
  STRATA_SCRYPT_LOG_N: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce.number().int().min(10).max(20).default(15),
  ),
});

export function readAuthEnv(source: Record<string, string | undefined> = process.env): {
  AUTH_SECRET: string | undefined;
  STRATA_SCRYPT_LOG_N: number;
} {
  const parsed = authEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return { AUTH_SECRET: parsed.data.AUTH_SECRET, STRATA_SCRYPT_LOG_N: parsed.data.STRATA_SCRYPT_LOG_N };
}
