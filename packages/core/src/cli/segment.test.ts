import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { CliError } from "./cli-error.js";
import { runSegment } from "./segment.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-segment-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 6,000 rows (more than the 5,000 read as text to infer types): an id, three groups, a constant. */
function bigCsv(quoteHeader: boolean): string {
  const random = createRandom(11);
  const header = quoteHeader
    ? '"customer_id",visits,spend,region,flag'
    : "customer_id,visits,spend,region,flag";
  const lines = [header];
  for (let i = 0; i < 6000; i++) {
    const g = i % 3;
    const visits = (g * 5 + random.normal()).toFixed(3);
    const spend = i % 97 === 0 ? "" : (g * 50 + 4 * random.normal()).toFixed(2);
    lines.push(`C${1000 + i},${visits},${spend},${["north", "south"][i % 2]},1`);
  }
  return `${lines.join("\n")}\n`;
}

function withoutTimings(output: Awaited<ReturnType<typeof runSegment>>) {
  const { timings, ...rest } = output;
  expect(timings.fitMs).toBeGreaterThanOrEqual(timings.clusterMs);
  return rest;
}

describe("runSegment on a large file", () => {
  it("gives the same result from the byte-level reader as from the text parser", async () => {
    // A quote in the header sends the file through the text parser; without it, the byte reader.
    const plain = file("plain.csv", bigCsv(false));
    const quoted = file("quoted.csv", bigCsv(true));
    const args = ["--k", "3", "--seed", "2", "--n-init", "1"];
    const fast = await runSegment(["--input", plain, ...args]);
    const text = await runSegment(["--input", quoted, ...args]);
    expect(withoutTimings(fast)).toEqual(withoutTimings(text));
    expect(fast.features).toEqual(["visits", "spend"]);
    expect(fast.leftOut).toEqual([
      { column: "customer_id", reason: "identifier" },
      { column: "region", reason: "non-numeric" },
      { column: "flag", reason: "constant" },
    ]);
    expect(fast.preparation.valuesImputed).toBe(62);
  });

  it("names the line and column of a bad value after the rows used to infer types", async () => {
    const lines = bigCsv(false).split("\n");
    lines[5500] = lines[5500]!
      .replace(/,[^,]*,([^,]*),north/, ",oops,$1,north")
      .replace(/,[^,]*,([^,]*),south/, ",oops,$1,south");
    const path = file("bad.csv", lines.join("\n"));
    const failure = runSegment(["--input", path, "--k", "3"]);
    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(
      `${path}, line 5501, column "visits": has "oops", expected a number`,
    );
  });
});
