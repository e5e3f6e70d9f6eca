import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { CsvParser, type CsvRecord, detectDelimiter, parseCsv } from "./csv.js";
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
