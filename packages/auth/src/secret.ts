import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readAuthEnv } from "./env.js";

/**
 * AUTH_SECRET when set; otherwise a secret generated once and kept in `<dataDir>/auth-secret`, so
 * sessions survive a restart of an app started with no configuration.
 */
export function resolveAuthSecret(dataDir: string): string {
  const fromEnv = readAuthEnv().AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = join(dataDir, "auth-secret");
  mkdirSync(dataDir, { recursive: true });
  try {
    // "wx": create only if absent, so two processes starting together agree on one secret.
    writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret; delete it to generate a new one`);
  return secret;
}
