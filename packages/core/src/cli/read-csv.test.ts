import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNumber } from "../preprocess/table.js";
import { createRandom } from "../random/index.js";
import { CliError } from "./cli-error.js";
import { type NumericCsv, readNumericCsv, streamCsv } from "./read-csv.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-read-csv-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(text: string | Uint8Array, ext = "csv"): string {
  const path = join(dir, `t${fileCount++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

interface Reference {
  columns: number[];
  values: number[];
  n: number;
  isConstant: boolean[];
  firstBad: Array<{ line: number; text: string } | undefined>;
}

/** The text path: streamCsv records, each chosen cell through parseNumber (empty is NaN). */
async function reference(path: string, choose: (columns: string[]) => number[]): Promise<Reference> {
  let columns: number[] = [];
  const values: number[] = [];
  let first: string[] = [];
  let isConstant: boolean[] = [];
  let firstBad: Reference["firstBad"] = [];
  let n = 0;
  await streamCsv(
    path,
    (h) => {
      columns = choose(h.columns);
      isConstant = columns.map(() => true);
      firstBad = columns.map(() => undefined);
    },
    (record) => {
      columns.forEach((j, c) => {
        const text = record.fields[j]!;
        if (n === 0) first[c] = text.trim();
        else if (text.trim() !== first[c]) isConstant[c] = false;
        const value = text.trim() === "" ? Number.NaN : parseNumber(text);
        if (text.trim() !== "" && !Number.isFinite(value) && firstBad[c] === undefined) {
          firstBad[c] = { line: record.line, text };
        }
        values.push(value);
      });
      n++;
    },
  );
  first = [];
  return { columns, values, n, isConstant, firstBad };
}

async function both(
  text: string | Uint8Array,
  options: {
    sampleRows?: number;
    chunkBytes?: number;
    ext?: string;
    choose?: (columns: string[]) => number[];
  } = {},
): Promise<{ fast: NumericCsv | undefined; ref: Reference }> {
  const path = file(text, options.ext);
  const choose = options.choose ?? ((columns: string[]) => columns.map((_, j) => j));
  const fast = await readNumericCsv(path, {
    sampleRows: options.sampleRows ?? 2,
    chunkBytes: options.chunkBytes ?? 16,
    choose: (header) => choose(header.columns),
  });
  return { fast, ref: await reference(path, choose) };
}

function expectSame(fast: NumericCsv | undefined, ref: Reference): void {
  expect(fast).toBeDefined();
  expect(fast!.columns).toEqual(ref.columns);
  expect(fast!.n).toBe(ref.n);
  // Object.is per value: -0 and NaN must come out as the text path gives them.
  expect(Array.from(fast!.data)).toEqual(ref.values);
  expect(fast!.isConstant).toEqual(ref.isConstant);
  expect(fast!.firstBad).toEqual(ref.firstBad);
}

/** A random cell: mostly plain decimals, sometimes what only parseNumber reads, or no number. */
function cell(random: ReturnType<typeof createRandom>): string {
  const r = random.next();
  if (r < 0.5) return (random.normal() * 10 ** random.int(6)).toFixed(random.int(8));
  if (r < 0.6) return String(random.normal() * 1e-7);
  if (r < 0.65) return "";
  if (r < 0.7) return ` ${random.int(100)} `;
  if (r < 0.75) return `+${random.int(1000)}.5`;
  if (r < 0.8) return ["-0", "0", ".5", "-.25", "7.", "1e3", "2E-2"][random.int(7)]!;
  if (r < 0.85) return "12345678901234567890.125";
  if (r < 0.9) return `0.${"1".repeat(14 + random.int(4))}`;
  if (r < 0.93) return ["n/a", "-", "abc", "1_5", "Infinity", "1e999", "é1"][random.int(7)]!;
  return String(random.int(1_000_000));
}

describe("readNumericCsv", () => {
  it("reads every cell to the same double as parseNumber, across chunk boundaries and line endings", async () => {
    const random = createRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const width = 1 + random.int(5);
      const eol = ["\n", "\r\n"][random.int(2)]!;
      const lines = [Array.from({ length: width }, (_, j) => `c${j}`).join(",")];
      const rows = 3 + random.int(40);
      for (let i = 0; i < rows; i++) {
        if (random.next() < 0.05) lines.push("");
        lines.push(Array.from({ length: width }, () => cell(random)).join(","));
      }
      const text = lines.join(eol) + (random.next() < 0.5 ? eol : "");
      const { fast, ref } = await both(text, { chunkBytes: 1 + random.int(64) });
      expectSame(fast, ref);
    }
  });

  it("reads only the chosen columns, in the order chosen, with the other delimiters", async () => {
    const random = createRandom(3);
    for (const delimiter of [";", "\t", "|"]) {
      const lines = ["a;b;c;d".replaceAll(";", delimiter)];
      for (let i = 0; i < 60; i++) {
        lines.push(["x", cell(random), "label é", cell(random)].join(delimiter));
      }
      const { fast, ref } = await both(`${lines.join("\n")}\n`, { choose: () => [3, 1], chunkBytes: 40 });
      expectSame(fast, ref);
    }
  });

  it("tells constant columns and the first bad cell of each column", async () => {
    const text = "a,b,c\n1,5,x\n1,5,2\n1.0,5,3\n1,5,oops\n1,5,4\n1,5,bad\n";
    const { fast, ref } = await both(text, { sampleRows: 1 });
    expectSame(fast, ref);
    expect(fast!.isConstant).toEqual([false, true, false]);
    expect(fast!.firstBad).toEqual([undefined, undefined, { line: 2, text: "x" }]);
    const later = await both("a,b\n1,2\n3,4\n5,oops\n", { sampleRows: 1 });
    expect(later.fast!.firstBad).toEqual([undefined, { line: 4, text: "oops" }]);
  });

  it("reads a gzip file the same way", async () => {
    const lines = ["a,b"];
    for (let i = 0; i < 200; i++) lines.push(`${i / 7},${-i}`);
    const { fast, ref } = await both(gzipSync(`${lines.join("\n")}\n`), { ext: "csv.gz" });
    expectSame(fast, ref);
  });

  it("leaves quoted fields, lone CRs and files no longer than the sample to the text parser", async () => {
    for (const text of [
      'a,b\n1,2\n3,4\n"5",6\n7,8\n',
      'a,b\n"1",2\n3,4\n5,6\n',
      "a,b\r1,2\r3,4\r5,6\r",
      "a,b\n1,2\n3,4\n5,6\r7,8\n",
      "a,b\n1,2\n3,4\n",
    ]) {
      expect(await readNumericCsv(file(text), { sampleRows: 2, chunkBytes: 8, choose: () => [0, 1] })).toBe(
        undefined,
      );
    }
  });

  it("names the file and line of a ragged row, as the text parser does", async () => {
    const path = file("a,b\n1,2\n3,4\n5,6\n7\n");
    const fast = readNumericCsv(path, { sampleRows: 2, choose: () => [0, 1] });
    await expect(fast).rejects.toThrow(CliError);
    await expect(fast).rejects.toThrow(`${path}, line 5: ragged row with 1 fields, the header has 2`);
    const text = streamCsv(
      path,
      () => {},
      () => {},
    );
    await expect(text).rejects.toThrow(`${path}, line 5: ragged row with 1 fields, the header has 2`);
  });
});
