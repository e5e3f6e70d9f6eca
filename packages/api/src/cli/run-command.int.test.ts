import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConfigSchema } from "@strata/contract";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHarness } from "../../test/harness.js";
import { closeJobQueue, getJobQueue } from "../jobs/queue.js";
import { main } from "./main.js";

/** A small seeded PRNG (mulberry32): the customers are the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CUSTOMERS = 240;

/**
 * Four groups of shoppers, like a mall's customer file, at the corners of a box so no two features
 * say the same thing (all three are suggested); `Store` is one value for everyone.
 */
function customersCsv(): string {
  const random = seeded(11);
  const centres = [
    [25, 20, 20],
    [25, 90, 80],
    [60, 20, 80],
    [60, 90, 20],
  ];
  const lines = ["CustomerID,Age,Annual Income,Spending Score,Store"];
  for (let i = 0; i < CUSTOMERS; i++) {
    const [age, income, score] = centres[i % 4]!;
    const jitter = (v: number) => Math.round(v * (0.85 + 0.3 * random()));
    lines.push(`C${String(i + 1).padStart(4, "0")},${jitter(age!)},${jitter(income!)},${jitter(score!)},7`);
  }
  return `${lines.join("\n")}\n`;
}

function capture() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
    },
  };
}

describe.each(testDrivers())("strata run on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let workspace: string;
  let ownerCaller: ReturnType<Awaited<ReturnType<typeof openHarness>>["callerFor"]>;
  let folder: string;

  // The test database is handed in; the in-process consumer uses two threads and polls fast.
  // `--work` so PostgreSQL (no worker process in tests) works the run here too.
  const cli = (argv: string[]) => {
    const { out, io } = capture();
    const deps = {
      database: h.database,
      run: { pollIntervalMs: 100, consumer: { threads: 2, pollingIntervalSeconds: 0.5 } },
    };
    return main(argv, io, deps).then((code) => ({ code, ...out }));
  };

  beforeAll(async () => {
    h = await openHarness(driver);
    const ws = await h.newWorkspace("cli");
    workspace = ws.workspace;
    ownerCaller = ws.owner.caller;
    folder = mkdtempSync(join(tmpdir(), "strata-cli-run-"));
    const file = join(folder, "customers.csv");
    writeFileSync(file, customersCsv());
    const imported = await cli(["import", "customers", "--workspace", workspace, "--input", file]);
    expect(imported.stderr).toBe("");
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: CUSTOMERS, rejected: 0 });
  });

  afterAll(async () => {
    if (h) await closeJobQueue(h.database);
    await h?.cleanup();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("queues a run with the new-run form's defaults and, with --wait, prints its result from queue to result", async () => {
    const { code, stdout, stderr } = await cli(["run", "--workspace", workspace, "--wait", "--work"]);
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    // One JSON object on stdout; progress went to stderr.
    expect(stdout.trim().split("\n")).toHaveLength(1);
    const printed = JSON.parse(stdout) as {
      id: string;
      status: string;
      k: number;
      sizes: number[];
      metrics: Record<string, number>;
      timings: Record<string, number>;
    };
    expect(Object.keys(printed)).toEqual(["id", "status", "k", "sizes", "metrics", "timings"]);
    expect(printed.status).toBe("succeeded");
    expect(printed.k).toBe(4);
    expect(printed.sizes).toHaveLength(printed.k);
    expect(printed.sizes.reduce((a, b) => a + b, 0)).toBe(CUSTOMERS);
    expect(printed.metrics).toMatchObject({ k: 4, rows: CUSTOMERS });
    expect(printed.metrics.silhouette).toBeGreaterThan(0.5);
    expect(printed.timings.queuedMs).toBeGreaterThanOrEqual(0);
    expect(printed.timings.totalMs).toBeGreaterThan(0);
    expect(stderr).toContain(`run ${printed.id}: succeeded: Done (100%)`);

    // The same run Start run makes: the form's suggested features and the schema's defaults, by the owner.
    const described = await ownerCaller.segment.features({ workspace });
    expect(described.defaults).toEqual(["Age", "Annual Income", "Spending Score"]);
    const run = await ownerCaller.run.get({ workspace, id: printed.id });
    expect(run.config).toEqual(runConfigSchema.parse({ features: described.defaults }));
    const {
      rows: [owner],
    } = await h.database.query<{ user_id: string }>(
      "select user_id from memberships m join tenants t on t.id = m.tenant_id where t.slug = $1 and role = 'owner'",
      [workspace],
    );
    expect(run.createdBy).toBe(owner!.user_id);
  });

  it("takes the algorithm, k and features from its flags", async () => {
    const { code, stdout } = await cli([
      "run",
      "--workspace",
      workspace,
      "--algorithm",
      "gmm",
      "--k",
      "2",
      "--features",
      "Age,Spending Score",
      "--wait",
      "--work",
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as {
      id: string;
      k: number;
      sizes: number[];
      metrics: { features: number };
    };
    expect(printed.k).toBe(2);
    expect(printed.sizes.reduce((a, b) => a + b, 0)).toBe(CUSTOMERS);
    expect(printed.metrics.features).toBe(2);
    const run = await ownerCaller.run.get({ workspace, id: printed.id });
    expect(run.config).toMatchObject({ algorithm: "gmm", k: 2, features: ["Age", "Spending Score"] });
  });

  it("without --wait prints the queued run once its job is on the queue", async () => {
    const { code, stdout } = await cli(["run", "--workspace", workspace, "--algorithm", "dbscan"]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { id: string; status: string };
    expect(printed.status).toBe("queued");
    const {
      rows: [row],
    } = await h.database.query<{ job_id: string }>("select job_id from runs where id = $1", [printed.id]);
    expect(await getJobQueue(h.database).getRunJob(row!.job_id)).toBeTruthy();
    // Worked by the next consumer (here the next --wait), like the server would on start.
    await cli(["run", "--workspace", workspace, "--k", "3", "--wait", "--work"]);
    const worked = await ownerCaller.run.get({ workspace, id: printed.id });
    expect(worked.status).toBe("succeeded");
  });

  it("exits non-zero with the run's error on stderr when the run fails", async () => {
    // One feature with one value for everyone: nothing to tell customers apart by.
    const { code, stdout, stderr } = await cli([
      "run",
      "--workspace",
      workspace,
      "--features",
      "Store",
      "--wait",
      "--work",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /strata run: run [0-9a-f-]+ failed: Every selected feature \(Store\) has the same value/,
    );
  });

  it("names the flag when the workspace, a feature, k or the algorithm is wrong", async () => {
    const countRuns = async () =>
      (
        await h.database.query<{ n: number }>(
          "select count(*)::int as n from runs r join tenants t on t.id = r.tenant_id where t.slug = $1",
          [workspace],
        )
      ).rows[0]!.n;
    const before = await countRuns();
    const unknownWorkspace = await cli(["run", "--workspace", "no-such-place", "--wait"]);
    expect(unknownWorkspace.code).toBe(1);
    expect(unknownWorkspace.stderr).toContain('--workspace: No workspace with the slug "no-such-place".');

    const unknownFeature = await cli(["run", "--workspace", workspace, "--features", "Age,Shoe size"]);
    expect(unknownFeature.code).toBe(64);
    expect(unknownFeature.stderr).toContain('--features: unknown or non-numeric feature "Shoe size"');
    expect(unknownFeature.stderr).toContain("Annual Income");

    for (const k of ["1", "51", "three", "2.5"]) {
      const badK = await cli(["run", "--workspace", workspace, "--k", k]);
      expect(badK.code).toBe(64);
      expect(badK.stderr).toContain(`--k: "${k}" is not "auto" or a whole number from 2 to 50`);
    }

    const badAlgorithm = await cli(["run", "--workspace", workspace, "--algorithm", "spectral"]);
    expect(badAlgorithm.code).toBe(64);
    expect(badAlgorithm.stderr).toContain('--algorithm: "spectral" is not one of kmeans, minibatch');

    const noWorkspace = await cli(["run", "--wait"]);
    expect(noWorkspace.code).toBe(64);
    expect(noWorkspace.stderr).toContain("--workspace <slug> is required");

    const unknownFlag = await cli(["run", "--workspace", workspace, "--clusters", "3"]);
    expect(unknownFlag.code).toBe(64);
    expect(unknownFlag.stderr).toContain("Unknown option '--clusters'");

    // None of these printed or queued anything.
    for (const r of [unknownWorkspace, unknownFeature, badAlgorithm, noWorkspace]) expect(r.stdout).toBe("");
    expect(await countRuns()).toBe(before);
  });

  it("prints usage for the workspace commands that exist", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("import customers|orders");
    expect(top.stdout).toContain("run --workspace <slug>");
    expect(top.stdout).not.toMatch(/apikey|cost-to-serve/);

    const run = await cli(["run", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--features <a,b,c>");
    expect(run.stdout).toContain("acts as the workspace's owner");

    const imp = await cli(["import", "--help"]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain("--accept-valid");

    const unknown = await cli(["apikey", "create"]);
    expect(unknown.code).toBe(64);
  });
});
