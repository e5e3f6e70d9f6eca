import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  STRATA_UPLOAD_LIMIT_MB: z.coerce.number().positive().max(100_000).default(200),
  /**
   * Where uploaded files, staged rows and rejected-row reports live. Default `<STRATA_DATA_DIR>/imports`.
   * With PostgreSQL and separate worker processes it must be storage every web and worker process
   * mounts at the same path (a shared volume): the web process writes the upload, any worker imports it.
   */
  STRATA_IMPORT_DIR: z.string().min(1).optional(),
});

/** Import settings from the environment; a bad value fails with the variable's name. */
export function readImportEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse({
    STRATA_UPLOAD_LIMIT_MB: source.STRATA_UPLOAD_LIMIT_MB || undefined,
    STRATA_IMPORT_DIR: source.STRATA_IMPORT_DIR || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const dir = parsed.data.STRATA_IMPORT_DIR;
  return {
    uploadLimitBytes: Math.round(parsed.data.STRATA_UPLOAD_LIMIT_MB * 1024 * 1024),
    importDir: dir === undefined ? undefined : isAbsolute(dir) ? dir : resolve(dir),
  };
}
