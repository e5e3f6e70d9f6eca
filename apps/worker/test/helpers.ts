import { randomUUID } from "node:crypto";
import { createCaller, createContext } from "@strata/api";
import type { Database } from "@strata/db";

/** A small seeded PRNG (mulberry32): test data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workspace {
  tenantId: string;
  slug: string;
  editorId: string;
  viewerId: string;
}

/** A workspace with an editor and a viewer, written directly (the connecting role bypasses RLS). */
export async function createWorkspace(
  database: Database,
  slug = `ws-${randomUUID().slice(0, 8)}`,
): Promise<Workspace> {
  const tenantId = randomUUID();
  const editorId = randomUUID();
  const viewerId = randomUUID();
  await database.query("insert into tenants (id, slug, name) values ($1, $2, $3)", [
    tenantId,
    slug,
    `Workspace ${slug}`,
  ]);
  for (const [id, role] of [
    [editorId, "editor"],
    [viewerId, "viewer"],
  ] as const) {
    await database.query("insert into users (id, email, name, password_hash) values ($1, $2, $3, 'x')", [
      id,
      `${role}-${id.slice(0, 8)}@example.com`,
      `${role} ${id.slice(0, 4)}`,
    ]);
    await database.query("insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)", [
      tenantId,
      id,
      role,
    ]);
  }
  return { tenantId, slug, editorId, viewerId };
}

/**
 * `n` customers with features drawn around `centres` (one blob per centre, in turn), plus any
 * `constant` features. Returns nothing: runs read them from customer_features like real imports.
 */
export async function seedCustomers(
  database: Database,
  tenantId: string,
  n: number,
  options: { centres?: number[][]; spread?: number; seed?: number; constant?: boolean } = {},
): Promise<void> {
  const centres = options.centres ?? [
    [10, 2, 50],
    [60, 20, 400],
    [120, 45, 1500],
  ];
  const names = ["recency", "frequency", "monetary"];
  const random = seededRandom(options.seed ?? 1);
  const spread = options.spread ?? 0.05;
  const ids: string[] = [];
  const externalIds: string[] = [];
  const features: string[] = [];
  const offset = Number(
    (
      await database.query<{ n: number }>("select count(*)::int as n from customers where tenant_id = $1", [
        tenantId,
      ])
    ).rows[0]?.n ?? 0,
  );
  for (let i = 0; i < n; i++) {
    const centre = centres[i % centres.length]!;
    const f: Record<string, number> = {};
    names.forEach((name, j) => {
      const c = centre[j]!;
      f[name] = options.constant ? 7 : c + (random() - 0.5) * 2 * spread * Math.max(1, Math.abs(c));
    });
    ids.push(randomUUID());
    externalIds.push(`C${offset + i + 1}`);
    features.push(JSON.stringify(f));
  }
  for (let start = 0; start < n; start += 5000) {
    const end = Math.min(n, start + 5000);
    await database.query(
      `insert into customers (id, tenant_id, external_id)
       select u.id, $1, u.ext from unnest($2::uuid[], $3::text[]) as u(id, ext)`,
      [tenantId, ids.slice(start, end), externalIds.slice(start, end)],
    );
    await database.query(
      `insert into customer_features (customer_id, tenant_id, features)
       select u.id, $1, u.f from unnest($2::uuid[], $3::jsonb[]) as u(id, f)`,
      [tenantId, ids.slice(start, end), features.slice(start, end)],
    );
  }
}

export function callerFor(database: Database, userId: string) {
  return createCaller(createContext({ database, userId }));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes (then throws). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const FINAL = new Set(["succeeded", "failed", "cancelled"]);
