import { z } from "zod";

const schema = z.object({
  /** Port the embedded server listens on, where the CLI looks for it before opening the data folder. */
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
});

/** The workspace CLI's settings from the environment; a bad value fails with the variable's name. */
export function readCliEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse({ PORT: source.PORT || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return { port: parsed.data.PORT };
}
