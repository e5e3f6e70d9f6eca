import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "./client.js";
import { readDbEnv } from "./env.js";
import { migrate } from "./migrate.js";

describe("embedded database in a data folder", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "strata-db-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("two opens of one folder in a process share one PGlite, and data survives a reopen", async () => {
    const first = await createDatabase({ dataDir });
    const second = await createDatabase({ dataDir });
    expect(first.driver).toBe("pglite");
    await migrate(first);
    await first.query("insert into tenants (slug, name) values ($1, $2)", ["kept", "Kept"]);
    // The second handle sees the first one's write: same instance, not a second process on the files.
    const seen = await second.query<{ name: string }>("select name from tenants where slug = 'kept'");
    expect(seen.rows).toEqual([{ name: "Kept" }]);
    await first.close();
    // Still open for the second user.
    await expect(second.query("select 1")).resolves.toBeDefined();
    await second.close();

    const reopened = await createDatabase({ dataDir });
    await migrate(reopened);
    const again = await reopened.query<{ name: string }>("select name from tenants where slug = 'kept'");
    expect(again.rows).toEqual([{ name: "Kept" }]);
    await reopened.close();
  });
});

describe("environment", () => {
  it("rejects a DATABASE_URL that is not a postgres URL, naming the variable", () => {
    expect(() => readDbEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });

  it("treats an empty DATABASE_URL as unset and defaults the data folder to <repo root>/.strata-data", () => {
    const env = readDbEnv({ DATABASE_URL: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.STRATA_DATA_DIR).toMatch(/\.strata-data$/);
  });
});
