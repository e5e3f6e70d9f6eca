import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

import { readAuthEnv } from "./env.js";

// scrypt with N=2^15 (STRATA_SCRYPT_LOG_N), r=8, p=1: about 100 ms and 32 MiB per hash on a small
// machine. Parameters travel with each hash, so raising them later needs no migration.
let params: { N: number; r: number; p: number } | undefined;
function hashParams() {
  params ??= { N: 2 ** readAuthEnv().STRATA_SCRYPT_LOG_N, r: 8, p: 1 };
  return params;
}
const KEY_LENGTH = 64;
const MAX_PASSWORD_LENGTH = 200;

export const PASSWORD_MIN_LENGTH = 10;

function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$<salt base64>$<key base64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = hashParams();
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N, r, p });
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Constant-time comparison; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (expected.length === 0 || password.length > MAX_PASSWORD_LENGTH) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/**
 * Server-side password rules. Returns the first broken rule as a sentence for the user, or null.
 * At least 10 characters, at most 200, more than one kind of character, and not the email address.
 */
export function checkPasswordRules(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  }
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  if (kinds < 2) {
    return "Password must mix at least two kinds of characters (lowercase, uppercase, digits, symbols).";
  }
  if (email) {
    const address = email.trim().toLowerCase();
    const lowered = password.trim().toLowerCase();
    if (lowered === address || lowered === address.split("@")[0]) {
      return "Password must not be your email address.";
    }
  }
  return null;
}
