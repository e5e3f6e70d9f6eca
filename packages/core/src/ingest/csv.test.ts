import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { CsvParser, type CsvParserOptions, type CsvRecord, detectDelimiter, parseCsv } from "./csv.js";
import { TextChunkDecoder } from "./encoding.js";
import { IngestError } from "./errors.js";

function parseChunks(chunks: string[], delimiter?: string): { delimiter?: string; records: CsvRecord[] } {
  const parser = new CsvParser(delimiter === undefined ? {} : { delimiter });
  const records: CsvRecord[] = [];
  for (const c of chunks) records.push(...parser.push(c));
  records.push(...parser.end());
  return { delimiter: parser.delimiter, records };
}

const TRICKY =
  '\uFEFFid;name;note\r\n1;"Smith; John";"said ""hi""\r\nthen left"\r\n2;Ann;\r\n\r\n3;"";"a\nb"\n4;x"y;"end"';

const TRICKY_EXPECTED: CsvRecord[] = [
  { line: 1, fields: ["id", "name", "note"] },
  { line: 2, fields: ["1", "Smith; John", 'said "hi"\r\nthen left'] },
  { line: 4, fields: ["2", "Ann", ""] },
  { line: 6, fields: ["3", "", "a\nb"] },
  { line: 8, fields: ["4", 'x"y', "end"] },
];

describe("CsvParser", () => {
  it("parses quoted delimiters, escaped quotes, embedded CRLF and LF, blank lines and a BOM", () => {
    const { delimiter, records } = parseChunks([TRICKY]);
    expect(delimiter).toBe(";");
    expect(records).toEqual(TRICKY_EXPECTED);
  });

  it("gives the same records however the text is split into two chunks", () => {
    for (let at = 0; at <= TRICKY.length; at++) {
      const { records } = parseChunks([TRICKY.slice(0, at), TRICKY.slice(at)]);
      expect(records, `split at ${at}`).toEqual(TRICKY_EXPECTED);
    }
  });

  it("gives the same records when fed one character at a time", () => {
    const { delimiter, records } = parseChunks([...TRICKY]);
    expect(delimiter).toBe(";");
    expect(records).toEqual(TRICKY_EXPECTED);
  });

  it("splits a CRLF-terminated comma file at every position with an explicit delimiter", () => {
    const text = 'a,b\r\n"x\r\ny","q""q"\r\n,\r\nlast,"" \r\n';
    const expected: CsvRecord[] = [
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x\r\ny", 'q"q'] },
      { line: 4, fields: ["", ""] },
      { line: 5, fields: ["last", " "] },
    ];
    for (let at = 0; at <= text.length; at++) {
      for (let at2 = at; at2 <= text.length; at2 += 3) {
        const { records } = parseChunks([text.slice(0, at), text.slice(at, at2), text.slice(at2)], ",");
        expect(records, `split at ${at}/${at2}`).toEqual(expected);
      }
    }
  });

  it("detects tab and pipe delimiters", () => {
    expect(parseChunks(["a\tb\n1\t2,5\n"]).records[1]!.fields).toEqual(["1", "2,5"]);
    expect(parseChunks(["a|b\n1|2\n"]).delimiter).toBe("|");
  });

  it("prefers the semicolon when commas are decimal separators", () => {
    expect(detectDelimiter("price;qty\n1,5;2\n2,25;3\n")).toBe(";");
  });

  it("ignores delimiters inside quotes when detecting", () => {
    expect(detectDelimiter('"a;b";"c;d",x\n"1;2";"3;4",y\n')).toBe(",");
    expect(detectDelimiter('"a,b";c\n"1,2";3\n')).toBe(";");
  });

  it("treats a single-column file as comma separated", () => {
    const { delimiter, records } = parseChunks(["email\nx@y.z\n"]);
    expect(delimiter).toBe(",");
    expect(records.map((r) => r.fields)).toEqual([["email"], ["x@y.z"]]);
  });

  it("handles lone CR line endings", () => {
    expect(parseChunks(["a,b\r1,2\r"]).records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
    ]);
  });

  it("keeps the line count right across many quoted multi-line records", () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},"l1\nl2\nl3",z`);
    const { records } = parseChunks(["h1,h2,h3\n" + rows.join("\n")]);
    expect(records).toHaveLength(51);
    expect(records[50]!.line).toBe(2 + 49 * 3);
    expect(records[50]!.fields).toEqual(["49", "l1\nl2\nl3", "z"]);
  });

  it("throws an error naming the line of an unterminated quote", () => {
    const parser = new CsvParser();
    parser.push('a,b\n1,2\n3,"never closed\nmore text\n');
    let error: unknown;
    try {
      parser.end();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toBeInstanceOf(CoreInputError);
    expect((error as IngestError).line).toBe(3);
    expect((error as Error).message).toMatch(/line 3/);
  });

  it("stops at the record length limit instead of reading the whole file into one field", () => {
    const parser = new CsvParser({ maxRecordLength: 1000 });
    parser.push('a,b\n1,2\n3,"never closed\n');
    expect(() => {
      for (let i = 0; i < 300; i++) parser.push("x,y,z\n");
    }).toThrow(
      /line 3: the record is longer than 1000 characters; the quote opened on line 3 is probably never closed/,
    );
  });

  it("rejects a delimiter that is not one character", () => {
    expect(() => new CsvParser({ delimiter: ";;" })).toThrow(CoreInputError);
    expect(new CsvParser({ delimiter: "\\t" }).delimiter).toBe("\t");
  });

  it("returns nothing for empty input", () => {
    expect(parseChunks([""]).records).toEqual([]);
    expect(parseChunks(["\n\r\n"]).records).toEqual([]);
  });

  it("parses a large generated file in small chunks identically to one chunk", () => {
    const lines = ["id,name,amount"];
    for (let i = 0; i < 5000; i++) lines.push(`${i},"N, ${i} ""q""",${(i * 1.5).toFixed(2)}`);
    const text = lines.join("\r\n");
    const whole = parseChunks([text]).records;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 997) chunks.push(text.slice(i, i + 997));
    expect(parseChunks(chunks).records).toEqual(whole);
    expect(whole).toHaveLength(5001);
    expect(whole[4000]).toEqual({ line: 4001, fields: ["3999", 'N, 3999 "q"', "5998.50"] });
  });
});

describe("parseCsv", () => {
  it("returns the trimmed header, the delimiter and the remaining records", () => {
    const result = parseCsv(" CustomerID ;Name\n1;A\n2;B\n");
    expect(result.delimiter).toBe(";");
    expect(result.header).toEqual(["CustomerID", "Name"]);
    expect(result.records).toEqual([
      { line: 2, fields: ["1", "A"] },
      { line: 3, fields: ["2", "B"] },
    ]);
  });

  it("keeps the first record as data when header is false", () => {
    const result = parseCsv("1,2\n3,4", { header: false });
    expect(result.header).toEqual([]);
    expect(result.records).toHaveLength(2);
  });
});

describe("limits on hostile CSV files", () => {
  it("stops a record of more than 16,384 fields", () => {
    const fits = `${"a,".repeat(16_383)}a\n`;
    expect(parseCsv(fits, { header: false }).records[0]!.fields).toHaveLength(16_384);
    let error: unknown;
    try {
      parseCsv(`id,name\n${fits}${"b,".repeat(16_384)}b\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).message).toMatch(/^line 3: the record has more than 16384 fields/);
    expect((error as IngestError).line).toBe(3);
    expect(() => parseCsv("a;b;c\n", { maxFields: 2 })).toThrow(/line 1: the record has more than 2 fields/);
  });

  it("stops a field longer than 32,767 characters, quoted or not, whole or in chunks", () => {
    const long = "x".repeat(32_767);
    expect(parseCsv(`id,note\n1,${long}\n`).records[0]!.fields[1]).toHaveLength(32_767);
    expect(() => parseCsv(`id,note\n1,${long}x\n`)).toThrow(
      /^line 2: field 2 is longer than 32767 characters/,
    );
    expect(() => parseCsv(`id,note\n1,"${long}"""\n`)).toThrow(/line 2: field 2 is longer than 32767/);
    const parser = new CsvParser({ delimiter: ",", maxFieldLength: 10 });
    parser.push('id,note\n1,"open ');
    expect(() => parser.push("that goes on\n2,b\n")).toThrow(
      /line 2: field 2 is longer than 10 characters, the most a field may hold; the quote opened on line 2 is probably never closed/,
    );
  });
});

// Fixed so that a failure reproduces; fast-check prints the seed and path of a counterexample.
const FUZZ_SEED = 20_260_520;

/** Parses in the given chunks; the records, or the IngestError thrown (anything else escapes). */
function parseOutcome(chunks: string[], options: CsvParserOptions = {}): CsvRecord[] | IngestError {
  try {
    const parser = new CsvParser(options);
    const records: CsvRecord[] = [];
    for (const c of chunks) records.push(...parser.push(c));
    records.push(...parser.end());
    return records;
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
}

function splitAt(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const c of at) {
    chunks.push(text.slice(from, c));
    from = c;
  }
  chunks.push(text.slice(from));
  return chunks;
}

describe("CsvParser under random input", () => {
  const csvText = fc.string({
    unit: fc.constantFrom(
      '"',
      '""',
      ",",
      ";",
      "\t",
      "|",
      "\n",
      "\r",
      "\r\n",
      "a",
      "1",
      " ",
      "\uFEFF",
      "é",
      "😀",
    ),
    maxLength: 400,
  });
  const cuts = fc.array(fc.nat(500), { maxLength: 6 });

  it("parses any text the same in any chunks, or throws an IngestError", () => {
    fc.assert(
      fc.property(csvText, cuts, (text, at) => {
        const whole = parseOutcome([text]);
        const chunked = parseOutcome(splitAt(text, at));
        if (whole instanceof IngestError) expect(chunked).toBeInstanceOf(IngestError);
        else expect(chunked).toEqual(whole);
      }),
      { seed: FUZZ_SEED, numRuns: 1000 },
    );
  });

  it("keeps to small limits with nothing but records or an IngestError", () => {
    const limits = fc.record({
      maxFields: fc.integer({ min: 1, max: 8 }),
      maxFieldLength: fc.integer({ min: 0, max: 40 }),
      maxRecordLength: fc.integer({ min: 1, max: 120 }),
    });
    fc.assert(
      fc.property(csvText, cuts, limits, (text, at, options) => {
        const outcome = parseOutcome(splitAt(text, at), options);
        if (outcome instanceof IngestError) return;
        for (const r of outcome) {
          expect(r.fields.length).toBeLessThanOrEqual(options.maxFields);
          for (const f of r.fields) expect(f.length).toBeLessThanOrEqual(options.maxFieldLength);
        }
      }),
      { seed: FUZZ_SEED, numRuns: 1000 },
    );
  });

  it("decodes and parses random bytes, or throws an IngestError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, (bytes, at) => {
        try {
          const decoder = new TextChunkDecoder();
          const parser = new CsvParser();
          const bounds = [...new Set(at.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const c of [...bounds, bytes.length]) {
            parser.push(decoder.push(bytes.subarray(from, c)));
            from = c;
          }
          parser.push(decoder.end());
          parser.end();
        } catch (e) {
          if (!(e instanceof IngestError)) throw e;
        }
      }),
      { seed: FUZZ_SEED, numRuns: 1000 },
    );
  });
});
