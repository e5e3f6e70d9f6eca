import type { Role } from "@strata/auth";
import type { Tx } from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import { sql } from "drizzle-orm";
import { queryRows } from "../../jobs/run-data.js";
import { can } from "../../permissions.js";

/** Header words that suggest a column holds personal data: email, name, phone, address, birth date. */
const PERSONAL_WORDS = new Set([
  "email",
  "mail",
  "name",
  "surname",
  "firstname",
  "lastname",
  "fullname",
  "phone",
  "telephone",
  "tel",
  "mobile",
  "cell",
  "fax",
  "address",
  "street",
  "zip",
  "zipcode",
  "postcode",
  "postal",
  "birth",
  "birthday",
  "birthdate",
  "dob",
]);

/**
 * True when a column's header suggests personal data. Only a suggestion shown in the mapping step: the
 * user confirms or clears it. Words are split at case changes and non-letters ("firstName", "E-mail",
 * "date_of_birth"), so "Annual Income" or "Country" are not caught by a substring.
 */
export function isPersonalHeader(header: string): boolean {
  const words = header
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  return words.some((w) => PERSONAL_WORDS.has(w));
}

/** The attribute keys of the workspace's customer datasets marked personal at import. */
export async function listPersonalKeys(tx: Tx, tenantId: string): Promise<Set<string>> {
  const rows = await queryRows<{ columns: DatasetColumn[] }>(
    tx,
    sql`select columns from datasets where tenant_id = ${tenantId} and kind = 'customers'`,
  );
  const keys = new Set<string>();
  for (const row of rows) {
    for (const c of row.columns ?? [])
      if (c.isPersonal && c.field === "attribute") keys.add(c.key ?? c.source);
  }
  return keys;
}

/** Whether a member with `role` sees personal attributes (viewers see them masked). */
export function canSeePersonal(role: Role): boolean {
  return can(role, "customer.readPersonal");
}

/** What a masked value reads as on pages and in files. */
export const MASKED = "•••";

/** `record` with the values of personal keys replaced by MASKED (missing values stay missing). */
export function maskPersonal<T>(
  record: Record<string, T> | null,
  personal: ReadonlySet<string>,
): Record<string, T | string> | null {
  if (!record) return record;
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(record))
    out[key] = personal.has(key) && value !== null && value !== "" ? MASKED : value;
  return out;
}

/** `record` without its personal keys. */
export function withoutPersonal<T>(
  record: Record<string, T>,
  personal: ReadonlySet<string>,
): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !personal.has(key)));
}
