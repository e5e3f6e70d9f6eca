import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

// The one place @strata/db reads process.env. A bad value fails at start with the variable's name.
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const dbEnvSchema = z.object({
  DATABASE_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
  ),
  MIGRATION_DATABASE_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
      .optional(),
  ),
  STRATA_DATA_DIR: z.preprocess(emptyAsUnset, z.string().optional()),
});

export interface DbEnv {
  /** Unset: the embedded PGlite database in `dataDir`. */
  DATABASE_URL: string | undefined;
  /**
   * Unset: migrations run as DATABASE_URL's role. Set: they run as this one (the owner of the schema),
   * and DATABASE_URL can be a login that is only a member of strata_app (docker/compose.yml).
   */
  MIGRATION_DATABASE_URL: string | undefined;
  /** Absolute path of the data folder (PGlite files, the generated auth secret). */
  STRATA_DATA_DIR: string;
}

/** Walks up from `start` to the folder holding pnpm-workspace.yaml (the repository root). */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readDbEnv(source: Record<string, string | undefined> = process.env): DbEnv {
  const parsed = dbEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const root =
    findRepoRoot(process.cwd()) ?? findRepoRoot(dirname(fileURLToPath(import.meta.url))) ?? process.cwd();
  return {
    DATABASE_URL: parsed.data.DATABASE_URL,
    MIGRATION_DATABASE_URL: parsed.data.MIGRATION_DATABASE_URL,
    STRATA_DATA_DIR: resolve(parsed.data.STRATA_DATA_DIR ?? join(root, ".strata-data")),
  };
}
