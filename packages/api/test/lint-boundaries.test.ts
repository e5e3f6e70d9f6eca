import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The boundaries biome.json enforces (CONVENTIONS.md 1 and 2), checked by linting small files at the
// paths they would have in the repository: a copy of the real biome.json in a temporary folder, so
// nothing is written into the working tree and a broken override fails here, not in review.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIOME = join(ROOT, "node_modules/.bin/biome");

interface Diagnostic {
  category: string;
  message: string;
  location: { path: string };
}

describe("lint boundaries", () => {
  let dir: string;
  let diagnostics: Diagnostic[];

  const files: Record<string, string> = {
    "apps/web/src/components/reads-db.ts":
      'import { tenants } from "@strata/db";\nexport const t = tenants;\n',
    "apps/web/src/app/page-reads-db.ts":
      'export async function load() {\n  return import("@strata/db");\n}\n',
    "apps/web/src/server/reads-db.ts": 'import { tenants } from "@strata/db";\nexport const t = tenants;\n',
    "apps/web/src/lib/reads-env.ts": "export const port = process.env.PORT;\n",
    "apps/web/src/env.ts": "export const port = process.env.PORT;\n",
    "packages/api/src/cycle/a.ts": 'import { b } from "./b.js";\nexport const a = () => b();\n',
    "packages/api/src/cycle/b.ts": 'import { a } from "./a.js";\nexport const b = (): unknown => a;\n',
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "strata-lint-"));
    const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
    config.vcs = { enabled: false }; // the temporary folder is no git checkout
    writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const result = spawnSync(BIOME, ["lint", "--reporter=json", "--colors=off", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    const report = JSON.parse(result.stdout) as { diagnostics: Diagnostic[] };
    diagnostics = report.diagnostics;
    expect(result.status, "biome exits non-zero when a boundary is crossed").not.toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rulesAt = (path: string) =>
    diagnostics.filter((d) => d.location.path === path).map((d) => d.category);

  it("fails a web file outside src/server/ that imports @strata/db, statically or dynamically", () => {
    const found = diagnostics.find((d) => d.location.path === "apps/web/src/components/reads-db.ts");
    expect(found?.category).toBe("lint/style/noRestrictedImports");
    expect(found?.message).toMatch(/apps\/web\/src\/server/);
    expect(rulesAt("apps/web/src/app/page-reads-db.ts")).toContain("lint/style/noRestrictedImports");
  });

  it("lets apps/web/src/server/ import @strata/db", () => {
    expect(rulesAt("apps/web/src/server/reads-db.ts")).not.toContain("lint/style/noRestrictedImports");
  });

  it("fails process.env outside the env modules and allows it in them", () => {
    expect(rulesAt("apps/web/src/lib/reads-env.ts")).toContain("lint/style/noProcessEnv");
    expect(rulesAt("apps/web/src/env.ts")).not.toContain("lint/style/noProcessEnv");
  });

  it("fails an import cycle", () => {
    expect(rulesAt("packages/api/src/cycle/a.ts")).toContain("lint/suspicious/noImportCycles");
  });
});
