import { z } from "zod";

const schema = z.object({
  STRATA_UPLOAD_LIMIT_MB: z.coerce.number().positive().max(100_000).default(200),
});

/** Import settings from the environment; a bad value fails with the variable's name. */
export function readImportEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse({ STRATA_UPLOAD_LIMIT_MB: source.STRATA_UPLOAD_LIMIT_MB || undefined });
  if (!parsed.success) {
    throw new Error(
      `Invalid environment variable STRATA_UPLOAD_LIMIT_MB: ${parsed.error.issues[0]?.message}`,
    );
  }
  return { uploadLimitBytes: Math.round(parsed.data.STRATA_UPLOAD_LIMIT_MB * 1024 * 1024) };
}
