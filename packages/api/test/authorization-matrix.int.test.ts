import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasRole, ROLES } from "@strata/auth";
import { testDrivers } from "@strata/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as http from "../src/http/index.js";
import { PERMISSIONS } from "../src/permissions.js";
import { appRouter } from "../src/root.js";
import { createContext } from "../src/trpc.js";
import {
  type Access,
  buildWorld,
  CALLER_KINDS,
  type CallerKind,
  HANDLER_FIXTURES,
  type Harness,
  MEMBER_KINDS,
  PROCEDURE_FIXTURES,
  type World,
} from "./authorization-fixtures.js";
import { openHarness } from "./harness.js";

// Every procedure of the router and every REST handler, called by everyone who could try: signed
// out, signed in but not a member, each role, and the owner of another workspace. What each may do
// comes from PERMISSIONS (permissions.ts), so this checks the table against what the code does.

type Outcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";

// Every allowed caller queues work in the one workspace; the per-workspace quotas (quotas.int.test.ts)
// would refuse the later ones, so they are out of the way here.
const QUOTAS_OUT_OF_THE_WAY = [
  "STRATA_MAX_QUEUED_RUNS",
  "STRATA_MAX_IMPORTS_IN_FLIGHT",
  "STRATA_MAX_QUEUED_COST_TO_SERVE_RUNS",
  "STRATA_MAX_OWNED_WORKSPACES",
];

const PROCEDURE_PATHS = Object.keys(appRouter._def.procedures).sort();
const HANDLER_NAMES = Object.keys(http)
  .filter((name) => name.startsWith("handle"))
  .sort();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function expectedOutcome(access: Access, kind: CallerKind): Outcome {
  if (access.kind === "public") return "allowed";
  if (kind === "anonymous") return "UNAUTHORIZED";
  if (access.kind === "signedIn") return "allowed";
  if (kind === "nonMember" || kind === "otherOwner") return "NOT_FOUND";
  return hasRole(kind, PERMISSIONS[access.permission]) ? "allowed" : "FORBIDDEN";
}

function hasIds(value: unknown): boolean {
  if (typeof value === "string") return UUID.test(value);
  if (value && typeof value === "object") return Object.values(value).some(hasIds);
  return false;
}

/** What a caller got: allowed, or the code of the error. */
async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    const result = await call;
    return result === null ? "null" : "allowed";
  } catch (error) {
    if (error instanceof TRPCError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe.each(testDrivers())("authorisation matrix on %s", (driver) => {
  let h: Harness;
  let w: World;
  let importDir: string;

  /** A digest of every row of every table: a refused call must leave it as it was. */
  async function snapshot(): Promise<Record<string, string>> {
    const tables = await h.database.query<{ name: string }>(
      // Rate-limit counts (login_attempts) go up with every request, allowed or not: not data.
      "select tablename as name from pg_tables where schemaname = 'public' and tablename <> 'login_attempts' order by tablename",
    );
    const sql = tables.rows
      .map(
        ({ name }) =>
          `select '${name}' as name, count(*)::int || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from "${name}" t`,
      )
      .join(" union all ");
    const rows = await h.database.query<{ name: string; digest: string }>(sql);
    return Object.fromEntries(rows.rows.map((r) => [r.name, r.digest]));
  }

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-matrix-"));
    vi.stubEnv("STRATA_IMPORT_DIR", importDir);
    for (const quota of QUOTAS_OUT_OF_THE_WAY) vi.stubEnv(quota, "10000");
    w = await buildWorld(h, importDir);
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });

  it("every procedure of the router and every REST handler has a row in the matrix", () => {
    expect(PROCEDURE_PATHS.length).toBeGreaterThan(30);
    expect(PROCEDURE_PATHS.filter((path) => !PROCEDURE_FIXTURES[path])).toEqual([]);
    expect(Object.keys(PROCEDURE_FIXTURES).filter((path) => !PROCEDURE_PATHS.includes(path))).toEqual([]);
    expect(HANDLER_NAMES).toEqual(Object.keys(HANDLER_FIXTURES).sort());
  });

  it.each(PROCEDURE_PATHS)("%s answers each caller as the permissions table says", async (path) => {
    const fixture = PROCEDURE_FIXTURES[path];
    if (!fixture)
      throw new Error(`No authorisation matrix entry for ${path}: add one to PROCEDURE_FIXTURES.`);
    const people = await w.people(fixture.freshCallers);
    const call = (caller: unknown, input: unknown) => {
      const [namespace, name] = path.split(".") as [string, string];
      const procedure = (caller as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[
        namespace
      ]![name]!;
      return procedure(input);
    };
    const got: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const kind of CALLER_KINDS) {
      const person = people[kind];
      const input = await fixture.input(w, { kind, id: person.id });
      const expected = expectedOutcome(fixture.access, kind);
      const before = expected === "allowed" ? undefined : await snapshot();
      const answer = await outcomeOf(call(person.caller, input));
      const outcome = answer === "null" ? "allowed" : answer;
      got[kind] = outcome.split(":")[0]!;
      wanted[kind] = expected;
      if (before) expect(await snapshot(), `${path} refused for ${kind} changed rows`).toEqual(before);
      if (expected === "allowed" && outcome !== "allowed") got[kind] = outcome;

      // The other workspace's owner, through their own workspace, with this workspace's ids.
      if (kind === "otherOwner" && fixture.access.kind === "tenant" && hasIds(input)) {
        const crossInput = { ...(input as object), workspace: w.other.workspace };
        const crossBefore = await snapshot();
        const cross = await outcomeOf(call(person.caller, crossInput));
        got.otherOwnerWithOurIds = cross.split(":")[0]!;
        wanted.otherOwnerWithOurIds = fixture.foreignIds ?? "NOT_FOUND";
        expect(await snapshot(), `${path} with our ids through another workspace changed rows`).toEqual(
          crossBefore,
        );
      }
    }
    expect(got).toEqual(wanted);
  });

  it.each(HANDLER_NAMES)("REST %s answers each caller as the permissions table says", async (name) => {
    const fixture = HANDLER_FIXTURES[name];
    if (!fixture) throw new Error(`No authorisation matrix entry for ${name}: add one to HANDLER_FIXTURES.`);
    const handler = (http as unknown as Record<string, typeof http.handleRejectedReport>)[name]!;
    const people = await w.people();
    const statusOf: Record<Outcome, number> = {
      allowed: fixture.allowedStatus,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
    };
    const got: Record<string, number> = {};
    const wanted: Record<string, number> = {};
    const attempts: Array<[string, CallerKind, string]> = [
      ...CALLER_KINDS.map((kind): [string, CallerKind, string] => [kind, kind, w.workspace]),
      ["otherOwnerWithOurIds", "otherOwner", w.other.workspace],
    ];
    for (const [label, kind, workspace] of attempts) {
      const expected =
        label === "otherOwnerWithOurIds"
          ? "NOT_FOUND"
          : expectedOutcome({ kind: "tenant", permission: fixture.permission }, kind);
      // An upload through another workspace carries no ids of ours: it would land in theirs.
      if (label === "otherOwnerWithOurIds" && (name === "handleImportUpload" || fixture.hasNoIds)) continue;
      const { request, params } = fixture.request(w, workspace);
      const before = expected === "allowed" ? undefined : await snapshot();
      const context = createContext({ database: h.database, userId: people[kind].id });
      const response = await handler(request, context, params as { workspace: string; id: string });
      await response.arrayBuffer();
      got[label] = response.status;
      wanted[label] = statusOf[expected];
      if (before) expect(await snapshot(), `${name} refused for ${label} changed rows`).toEqual(before);
    }
    expect(got).toEqual(wanted);
  });

  it("the matrix calls as every role there is", () => {
    expect([...MEMBER_KINDS].sort()).toEqual([...ROLES].sort());
  });
});
