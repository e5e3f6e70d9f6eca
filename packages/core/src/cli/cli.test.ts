import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRows } from "../matrix/matrix.js";
import { assign, parseModel } from "../model/model.js";
import { main } from "./main.js";

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(packageDir, "dist/cli/main.js");
let dir = "";

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// Three tight groups around (1,10), (5,50) and (9,90), four rows each, plus an id column.
const groups = [
  [1, 10],
  [5, 50],
  [9, 90],
];
const offsets = [
  [0.1, 0.2],
  [-0.1, -0.2],
  [0.2, -0.1],
  [-0.2, 0.1],
];
const rows: number[][] = [];
for (let r = 0; r < 4; r++)
  for (const g of groups) rows.push([g[0]! + offsets[r]![0]!, g[1]! + offsets[r]![1]!]);
const customersCsv = `customer_id,visits,spend\n${rows.map((r, i) => `C${100 + i},${r[0]},${r[1]}`).join("\n")}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-cli-"));
  // The CLI is tested as users run it: the built file. Build it when a test run comes first.
  if (!existsSync(cli)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: packageDir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("strata segment", () => {
  it("clusters the numeric columns and prints one JSON object with centroids in original units", () => {
    const input = file("customers.csv", customersCsv);
    const out = join(dir, "labels.csv");
    const r = run(["segment", "--input", input, "--k", "3", "--seed", "1", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json).sort()).toEqual(
      [
        "algorithm",
        "n",
        "d",
        "features",
        "k",
        "sizes",
        "noise",
        "inertia",
        "silhouette",
        "centroids",
        "modelSelection",
        "iterations",
        "timings",
        "leftOut",
        "chosenK",
        "names",
        "transforms",
        "outliers",
        "stability",
        "metrics",
        "preparation",
      ].sort(),
    );
    expect(json.leftOut).toEqual([{ column: "customer_id", reason: "identifier" }]);
    expect(json).toMatchObject({
      algorithm: "kmeans",
      n: 12,
      d: 2,
      features: ["visits", "spend"],
      k: 3,
      noise: 0,
    });
    expect(json.sizes).toEqual([4, 4, 4]);
    const centroids = (json.centroids as number[][]).map((c) => c.map((v) => Math.round(v * 1e9) / 1e9));
    expect(centroids.sort((a, b) => a[0]! - b[0]!)).toEqual(groups);
    expect(json.silhouette).toBeGreaterThan(0.95);
    expect(json.modelSelection).toBeNull();
    expect(json.iterations).toBeGreaterThanOrEqual(1);
    expect(json.timings.totalMs).toBeGreaterThanOrEqual(json.timings.fitMs);
    const labels = readFileSync(out, "utf8").trim().split("\n").map(Number);
    expect(labels).toHaveLength(12);
    // rows cycle through the three groups: every third row shares a label
    for (let i = 3; i < 12; i++) expect(labels[i]).toBe(labels[i - 3]);
    expect(new Set(labels).size).toBe(3);
  });

  it("writes a model that assigns the same rows to the same segments", () => {
    const input = file("model.csv", customersCsv);
    const out = join(dir, "model-labels.csv");
    const modelFile = join(dir, "model.json");
    for (const algorithm of ["kmeans", "gmm"]) {
      const r = run([
        "segment",
        "--input",
        input,
        "--k",
        "3",
        "--algorithm",
        algorithm,
        "--out",
        out,
        "--model",
        modelFile,
      ]);
      expect(r.code).toBe(0);
      const model = parseModel(readFileSync(modelFile, "utf8"));
      expect(model.kind).toBe(algorithm === "kmeans" ? "centroids" : "mixture");
      expect(model.features).toEqual(["visits", "spend"]);
      const labels = readFileSync(out, "utf8").trim().split("\n").map(Number);
      expect(Array.from(assign(model, fromRows(rows)).labels)).toEqual(labels);
    }
  });

  it("sweeps k and chooses it, reporting every k's metrics", () => {
    const input = file("customers-auto.csv", customersCsv);
    const r = run(["segment", "--input", input, "--k", "auto", "--k-min", "2", "--k-max", "5"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.k).toBe(3);
    expect(json.modelSelection.map((m: { k: number }) => m.k)).toEqual([2, 3, 4, 5]);
    const three = json.modelSelection[1];
    expect(Object.keys(three).sort()).toEqual([
      "calinskiHarabasz",
      "daviesBouldin",
      "inertia",
      "k",
      "maxShare",
      "minShare",
      "silhouette",
      "stability",
    ]);
    // The same sentence a workspace run shows, naming the k ruled out (k = 2 puts 8 of 12 rows in one segment).
    expect(json.chosenK.reason).toMatch(/Ruled out first: k = 2 \(one segment holds 67%/);
    expect(three.silhouette).toBeCloseTo(json.silhouette, 12);
    expect(three.inertia).toBeCloseTo(json.inertia, 9);
  });

  it("marks DBSCAN noise -1 in the labels file and leaves it out of the sizes", () => {
    const input = file("noise.csv", `visits,spend\n${rows.map((r) => r.join(",")).join("\n")}\n100,1000\n`);
    const out = join(dir, "noise-labels.csv");
    const r = run([
      "segment",
      "--input",
      input,
      "--algorithm",
      "dbscan",
      "--eps",
      "0.5",
      "--min-samples",
      "3",
      "--scale",
      "none",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ algorithm: "dbscan", k: 3, noise: 1, sizes: [4, 4, 4], iterations: null });
    const labels = readFileSync(out, "utf8").trim().split("\n").map(Number);
    expect(labels[12]).toBe(-1);
    expect(labels.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it("cuts one hierarchical tree at every k of the sweep (from 3, as runs do)", () => {
    const input = file("tree.csv", customersCsv);
    const r = run([
      "segment",
      "--input",
      input,
      "--algorithm",
      "hierarchical",
      "--k-max",
      "4",
      "--linkage",
      "average",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ algorithm: "hierarchical", k: 3, sizes: [4, 4, 4], iterations: null });
    expect(json.modelSelection.map((m: { k: number }) => m.k)).toEqual([3, 4]);
    // inertia falls as the tree is cut into more clusters
    const inertias = json.modelSelection.map((m: { inertia: number }) => m.inertia);
    expect(inertias[1]).toBeLessThan(inertias[0]);
  });

  it("fits a Gaussian mixture and picks k by the same rules as every run when asked for auto", () => {
    const input = file("gmm.csv", customersCsv);
    const fixed = JSON.parse(run(["segment", "--input", input, "--algorithm", "gmm", "--k", "3"]).stdout);
    expect(fixed).toMatchObject({ algorithm: "gmm", k: 3, sizes: [4, 4, 4], modelSelection: null });
    expect(fixed.iterations).toBeGreaterThanOrEqual(1);
    const r = run([
      "segment",
      "--input",
      input,
      "--algorithm",
      "gmm",
      "--k-max",
      "4",
      "--covariance",
      "diag",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.modelSelection.map((m: { k: number }) => m.k)).toEqual([3, 4]);
    expect(json.k).toBe(3);
  });

  it("gives the same clustering with --threads 2 as with one thread", () => {
    const input = file("threads.csv", customersCsv);
    const one = JSON.parse(run(["segment", "--input", input, "--k", "3", "--seed", "4"]).stdout);
    const two = run(["segment", "--input", input, "--k", "3", "--seed", "4", "--threads", "2"]);
    expect(two.stderr).toBe("");
    const json = JSON.parse(two.stdout);
    expect(json.centroids).toEqual(one.centroids);
    expect(json.inertia).toBeCloseTo(one.inertia, 12);
  });

  it("runs mini-batch k-means on named columns", () => {
    const input = file("mini.csv", customersCsv);
    const r = run([
      "segment",
      "--input",
      input,
      "--algorithm",
      "minibatch",
      "--k",
      "3",
      "--columns",
      "spend",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ algorithm: "minibatch", d: 1, features: ["spend"], k: 3, sizes: [4, 4, 4] });
  });

  it("clusters log1p of skewed columns and shows segment means in original units", () => {
    const input = file("skewed.csv", "spend\n9\n99\n9999\n99999\n");
    const r = run(["segment", "--input", input, "--k", "2", "--log1p", "spend", "--scale", "none"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.transforms).toMatchObject([{ feature: "spend", kind: "log1p" }]);
    const centroids = (json.centroids as number[][]).map((c) => c[0]!).sort((a, b) => a - b);
    // Split on the log scale (9, 99 | 9999, 99999); described by each segment's plain mean.
    expect(centroids[0]).toBeCloseTo(54, 9);
    expect(centroids[1]).toBeCloseTo(54999, 6);
    const auto = JSON.parse(run(["segment", "--input", input, "--k", "2", "--log1p", "auto"]).stdout);
    expect(auto.sizes).toEqual([2, 2]);
    expect(run(["segment", "--input", input, "--log1p", "visits"]).code).toBe(2);
  });

  it("leaves identifier and code columns out unless they are named", () => {
    const input = file(
      "codes.csv",
      "InvoiceNo,StockCode,CustomerID,Quantity\n536365,85123,17850.0,6\nC536379,85123A,17850.0,-1\n536366,22633,,2\n536367,22632,13047.0,12\n",
    );
    const r = run(["segment", "--input", input, "--k", "2"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).features).toEqual(["Quantity"]);
    expect(JSON.parse(r.stdout).leftOut).toEqual([
      { column: "InvoiceNo", reason: "identifier" },
      { column: "StockCode", reason: "identifier" },
      { column: "CustomerID", reason: "identifier" },
    ]);
    expect(run(["segment", "--input", input, "--k", "2", "--columns", "InvoiceNo"]).stderr).toBe(
      `${input}, line 3, column "InvoiceNo": has "C536379", expected a number\n`,
    );
  });

  it("clusters columns whose names only contain the letters id and reports every column left out", () => {
    const lines = ["ID,malic_acid,amount_paid,Kidhome,grade,batch,fluid,bottled"];
    for (let i = 0; i < 12; i++) {
      const g = groups[i % 3]!;
      lines.push(
        [
          1000 + i,
          g[0]! + offsets[i % 4]![0]!,
          g[1]! + offsets[i % 4]![1]!,
          i % 3,
          i % 2 === 0 ? "A" : "B",
          7,
          i < 3 ? i : "",
          `2020-01-${String(i + 1).padStart(2, "0")}`,
        ].join(","),
      );
    }
    const input = file("wine.csv", `${lines.join("\n")}\n`);
    const r = run(["segment", "--input", input, "--k", "3", "--seed", "1"]);
    expect(r.stderr).toBe("");
    const json = JSON.parse(r.stdout);
    expect(json.features).toEqual(["malic_acid", "amount_paid", "Kidhome"]);
    expect(json.leftOut).toEqual([
      { column: "ID", reason: "identifier" },
      { column: "grade", reason: "non-numeric" },
      { column: "batch", reason: "constant" },
      { column: "fluid", reason: "too many missing" },
      { column: "bottled", reason: "date" },
    ]);
    const chosen = JSON.parse(
      run(["segment", "--input", input, "--k", "2", "--columns", "malic_acid"]).stdout,
    );
    expect(chosen.leftOut.map((c: { column: string }) => c.column)).toEqual([
      "ID",
      "amount_paid",
      "Kidhome",
      "grade",
      "batch",
      "fluid",
      "bottled",
    ]);
    expect(new Set(chosen.leftOut.map((c: { reason: string }) => c.reason))).toEqual(
      new Set(["not selected"]),
    );
  });

  it("names the file, line and column of a non-numeric value", () => {
    const input = file("bad-value.csv", "visits,spend\n1,10\n2,20\n3,abc\n4,40\n");
    const r = run(["segment", "--input", input, "--k", "2"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${input}, line 4, column "spend": has "abc", expected a number\n`);
  });

  it("fills an empty cell with the column's median, as a workspace run does, and says so", () => {
    const input = file("empty-cell.csv", "visits,spend\n1,10\n2,\n3,30\n8,80\n9,90\n");
    const r = run(["segment", "--input", input, "--k", "2", "--columns", "visits,spend"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).preparation).toMatchObject({ rowsIn: 5, rowsUsed: 5, valuesImputed: 1 });
  });

  it("rejects a missing column, a ragged row and an empty file", () => {
    const ok = file("ok.csv", "visits,spend\n1,10\n2,20\n3,30\n");
    const missing = run(["segment", "--input", ok, "--columns", "visits,age"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${ok}, line 1: column "age" is missing from the header`);

    const ragged = file("ragged.csv", "visits,spend\n1,10\n2\n3,30\n");
    const r = run(["segment", "--input", ragged]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${ragged}, line 3: ragged row with 1 fields, the header has 2\n`);

    const empty = file("empty.csv", "");
    const e = run(["segment", "--input", empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`${empty}: the file is empty (no header line)\n`);

    const headerOnly = file("header-only.csv", "visits,spend\n");
    expect(run(["segment", "--input", headerOnly]).stderr).toContain(
      "no data rows after the header on line 1",
    );
  });

  it("prints the usage for --help after a command, and exits 0", async () => {
    for (const argv of [
      ["segment", "--help"],
      ["rfm", "-h"],
    ]) {
      const out: string[] = [];
      const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
      expect(code).toBe(0);
      expect(out.join("")).toContain("Usage: strata <command>");
      expect(out.join("")).toContain("--min-samples");
    }
  });

  it("rejects unknown flags and bad option values as usage errors", () => {
    const ok = file("ok2.csv", "visits,spend\n1,10\n2,20\n3,30\n");
    const unknown = run(["segment", "--input", ok, "--clusters", "3"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^strata segment: unknown option --clusters/);
    expect(run(["segment", "--input", ok, "--k", "two"]).stderr).toBe(
      'strata segment: --k must be an integer of at least 1, got "two"\n',
    );
    expect(run(["segment", "--input", ok, "--algorithm", "spectral"]).code).toBe(2);
    expect(run(["segment"]).stderr).toBe("strata segment: --input <file.csv> is required\n");
    expect(run(["cluster"]).code).toBe(2);
    const nope = join(dir, "nope.csv");
    expect(run(["segment", "--input", nope]).stderr).toBe(`${nope}: cannot read the file (ENOENT)\n`);
  });
});

describe("strata rfm", () => {
  const orders = [
    "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
    "1001,A,2,2011-01-01 10:00,5,17850.0,United Kingdom",
    "1001,B,1,2011-01-01 10:00,10,17850.0,United Kingdom",
    "1002,A,4,2011-01-11 09:00,5,17850.0,United Kingdom",
    "C1003,B,-1,2011-01-12 09:00,10,17850.0,United Kingdom",
    "1004,C,1,2011-01-21 12:00,100,12583,France",
    "1005,C,1,2011-01-21 12:00,3,,United Kingdom",
  ].join("\n");

  it("guesses the columns, writes per-customer features and reports cancellations", () => {
    const input = file("orders.csv", `${orders}\n`);
    const out = join(dir, "features.csv");
    const r = run(["rfm", "--input", input, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.columns).toEqual({
      customer: "CustomerID",
      time: "InvoiceDate",
      quantity: "Quantity",
      price: "UnitPrice",
      invoice: "InvoiceNo",
      product: "StockCode",
      country: "Country",
    });
    expect(json.customers).toBe(2);
    // C1003 cancels 1001's line B (same product, price and opposite quantity): both leave the features.
    expect(json.report).toMatchObject({
      linesIn: 6,
      purchaseLines: 3,
      cancelledLines: 1,
      matchedCancellations: 1,
      unmatchedReturnLines: 0,
    });
    expect(json.report.droppedLines).toEqual([{ reason: "no customer id", count: 1 }]);
    const [head, ...lines] = readFileSync(out, "utf8").trim().split("\n");
    const cols = head!.split(",");
    expect(cols.slice(0, 4)).toEqual(["customer_id", "recency_days", "frequency", "monetary"]);
    const first = Object.fromEntries(lines[0]!.split(",").map((v, j) => [cols[j], v]));
    expect(first).toMatchObject({
      customer_id: "17850",
      recency_days: "10",
      frequency: "2",
      monetary: "30",
      returns_share: "0",
      distinct_products: "1",
      country: "United Kingdom",
    });
    expect(lines[1]!.startsWith("12583,0,1,100,")).toBe(true);
  });

  it("takes column names from flags and names a bad date by line and column", () => {
    const input = file(
      "orders-custom.csv",
      "client,when,units,price each\nx,2011-02-01,1,2\ny,yesterday,1,2\n",
    );
    const r = run([
      "rfm",
      "--input",
      input,
      "--customer-column",
      "client",
      "--time-column",
      "when",
      "--quantity-column",
      "units",
      "--price-column",
      "price each",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${input}, line 3, column "when": "yesterday" is not a date\n`);
  });

  it("reads the month-first date-times of the UCI export, and an --as-of written the same way", () => {
    const input = file(
      "orders-mdy.csv",
      "CustomerID,InvoiceDate,Quantity,UnitPrice\n1,12/1/2010 8:26,1,10\n1,12/13/2010 9:00,2,5\n2,12/5/2010 10:00,1,3\n",
    );
    const out = join(dir, "features-mdy.csv");
    // 1/12/2011 is 12 January month-first (1 December day-first): the column's format decides.
    const r = run(["rfm", "--input", input, "--out", out, "--as-of", "1/12/2011"]);
    expect(r.stderr).toBe("");
    const [head, ...lines] = readFileSync(out, "utf8").trim().split("\n");
    expect(head!.split(",").slice(0, 2)).toEqual(["customer_id", "recency_days"]);
    expect(lines.map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["1,29", "2,37"]);
  });

  it("refuses an --as-of that is no date, or reads two ways that the order dates do not settle", () => {
    const input = file("orders-iso.csv", `${orders}\n`);
    const bad = run(["rfm", "--input", input, "--as-of", "tomorrow"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('strata rfm: --as-of must be a date like 2011-12-10, got "tomorrow"\n');
    const twoWays = run(["rfm", "--input", input, "--as-of", "01/02/2011"]);
    expect(twoWays.code).toBe(2);
    expect(twoWays.stderr).toBe(
      'strata rfm: --as-of "01/02/2011" can be read as dd/mm/yyyy or mm/dd/yyyy; write it like 2011-12-10\n',
    );
    expect(run(["rfm", "--input", input, "--as-of", "2011-02-01"]).code).toBe(0);
  });

  it("names a date written differently from the first lines' dates", () => {
    const input = file(
      "orders-mixed.csv",
      "CustomerID,InvoiceDate,Quantity,UnitPrice\n1,2011-01-02,1,10\n1,13/01/2011,1,5\n",
    );
    const r = run(["rfm", "--input", input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${input}, line 3, column "InvoiceDate": "13/01/2011" is not a date in the format yyyy-mm-dd of the first lines (it reads as dd/mm/yyyy)\n`,
    );
  });

  it("says which required column it could not find", () => {
    const input = file("orders-missing.csv", "CustomerID,InvoiceDate,UnitPrice\n1,2011-01-01,3\n");
    const r = run(["rfm", "--input", input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${input}, line 1: no quantity column found in the header`);
  });
});
