import fc from "fast-check";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import {
  classifyNumberFormat,
  columnIndex,
  excelSerialToIso,
  isXlsx,
  openXlsx,
  type ParseXlsxOptions,
  parseXlsx,
} from "./xlsx.js";
import { inflateEntry, readZipDirectory } from "./zip.js";

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Builds a minimal but standard-shaped .xlsx from worksheet XML bodies (sheetData content). */
function buildXlsx(
  sheets: Array<{ name: string; rows: string }>,
  opts: { sharedStrings?: string[]; is1904?: boolean; sharedStringsXml?: string; level?: 0 | 6 } = {},
): Uint8Array {
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    "xl/workbook.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} ${RNS}>${opts.is1904 ? '<workbookPr date1904="1"/>' : "<workbookPr/>"}<sheets>${sheets
        .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join("")}</sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map(
          (_, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join("")}</Relationships>`,
    ),
    "xl/styles.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/><numFmt numFmtId="165" formatCode="[Red]0.00;[Blue]\\-0.00"/></numFmts>` +
        '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>',
    ),
  };
  if (opts.sharedStringsXml !== undefined || opts.sharedStrings) {
    files["xl/sharedStrings.xml"] = strToU8(
      opts.sharedStringsXml ??
        `<sst ${NS} count="${opts.sharedStrings!.length}">${opts.sharedStrings!.map((s) => `<si><t xml:space="preserve">${s}</t></si>`).join("")}</sst>`,
    );
  }
  sheets.forEach((s, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${s.rows}</sheetData></worksheet>`,
    );
  });
  return zipSync(files, { level: opts.level ?? 6 });
}

/** A sheet of n order-like rows mixing shared strings, inline strings, numbers and dates. */
function bigSheet(n: number): { rows: string; strings: string[]; expected: string[][] } {
  const strings = ["id", "country", "amount", "day", "France", "Netherlands", "Germany"];
  let rows =
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>';
  const expected: string[][] = [];
  for (let i = 0; i < n; i++) {
    const r = i + 2;
    const amount = ((i * 7919) % 100003) / 100;
    const serial = 45000 + (i % 700);
    rows += `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>C${i} &amp; co</t></is></c><c r="B${r}" t="s"><v>${4 + (i % 3)}</v></c><c r="C${r}"><v>${amount}</v></c><c r="D${r}" s="1"><v>${serial}</v></c></row>`;
    expected.push([`C${i} & co`, strings[4 + (i % 3)]!, String(amount), excelSerialToIso(serial, false)]);
  }
  return { rows, strings, expected };
}

describe("parseXlsx", () => {
  it("reads shared strings, inline strings, numbers, booleans, errors and date-styled numbers", () => {
    const bytes = buildXlsx(
      [
        {
          name: "Orders",
          rows:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Price</t></is></c><c r="D1" t="s"><v>2</v></c><c r="E1" t="s"><v>3</v></c><c r="F1" t="s"><v>4</v></c></row>' +
            '<row r="2"><c r="A2"><v>17850</v></c><c r="B2" s="1"><v>45292</v></c><c r="C2" s="3"><v>2.55</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" s="2"><v>45292.3541666667</v></c><c r="F2" t="e"><v>#N/A</v></c></row>' +
            // row 3 is empty; row 4 skips B and stops early (Excel omits empty cells)
            '<row r="4"><c r="A4" t="inlineStr"><is><t>A &amp; B &lt;x&gt; caf&#233;</t></is></c><c r="C4" t="str"><f>1+1</f><v>2</v></c></row>' +
            '<row r="5"><c r="A5" s="4"><v>0.5</v></c><c r="B5" s="1"><v>45292.75</v></c></row>',
        },
      ],
      { sharedStrings: ["CustomerID", "InvoiceDate", "Paid", "Shipped", "Note"] },
    );
    expect(isXlsx(bytes)).toBe(true);
    const result = parseXlsx(bytes);
    expect(result.sheetName).toBe("Orders");
    expect(result.sheetNames).toEqual(["Orders"]);
    expect(result.header).toEqual(["CustomerID", "InvoiceDate", "Price", "Paid", "Shipped", "Note"]);
    expect(result.records).toEqual([
      { line: 2, fields: ["17850", "2024-01-01", "2.55", "TRUE", "2024-01-01T08:30:00", "#N/A"] },
      { line: 4, fields: ["A & B <x> café", "", "2", "", "", ""] },
      { line: 5, fields: ["12:00:00", "2024-01-01T18:00:00", "", "", "", ""] },
    ]);
  });

  it("concatenates rich-text runs and leaves out phonetic hints", () => {
    const bytes = buildXlsx([{ name: "S", rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' }], {
      sharedStringsXml: `<sst ${NS}><si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> plain</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si></sst>`,
    });
    expect(parseXlsx(bytes, { header: false }).records).toEqual([{ line: 1, fields: ["Bold plain"] }]);
  });

  it("selects a sheet by name or position and names the sheets when one is missing", () => {
    const bytes = buildXlsx([
      { name: "Readme", rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>notes</t></is></c></row>' },
      {
        name: "Data",
        rows: '<row><c t="inlineStr"><is><t>id</t></is></c></row><row><c><v>7</v></c></row>',
      },
    ]);
    expect(parseXlsx(bytes, { sheet: "Data" }).records).toEqual([{ line: 2, fields: ["7"] }]);
    expect(parseXlsx(bytes, { sheet: 1 }).header).toEqual(["id"]);
    expect(() => parseXlsx(bytes, { sheet: "Orders" })).toThrow(/no worksheet "Orders".*"Readme", "Data"/);
  });

  it("reads cells written with single quotes, spaces around = or without references", () => {
    const bytes = buildXlsx(
      [
        {
          name: "S",
          rows: "<row r='1'><c r='A1' t='s'><v>0</v></c><c r = \"B1\" t = \"b\"><v>1</v></c><c><v>3</v></c><c s=\"1\"><v>45292</v></c></row>",
        },
      ],
      { sharedStrings: ["quoted"] },
    );
    expect(parseXlsx(bytes, { header: false }).records).toEqual([
      { line: 1, fields: ["quoted", "TRUE", "3", "2024-01-01"] },
    ]);
  });

  it("reads dates in the 1904 date system", () => {
    const bytes = buildXlsx([{ name: "S", rows: '<row r="1"><c r="A1" s="1"><v>0</v></c></row>' }], {
      is1904: true,
    });
    expect(parseXlsx(bytes, { header: false }).records[0]!.fields).toEqual(["1904-01-01"]);
  });

  it("keeps a row longer than the header so validation can report it", () => {
    const bytes = buildXlsx([
      {
        name: "S",
        rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c></row>',
      },
    ]);
    expect(parseXlsx(bytes).records).toEqual([{ line: 2, fields: ["1", "", "3"] }]);
  });

  it("explains files that are not .xlsx workbooks", () => {
    expect(() => parseXlsx(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).toThrow(/old-style Excel \.xls/);
    expect(() => parseXlsx(strToU8("id,name\n1,a\n"))).toThrow(/ZIP signature/);
    expect(() => parseXlsx(new Uint8Array())).toThrow(/empty/);
    expect(() => parseXlsx(zipSync({ "word/document.xml": strToU8("<w/>") }))).toThrow(IngestError);
    const truncated = buildXlsx([{ name: "S", rows: "" }]).slice(0, 60);
    expect(() => parseXlsx(truncated)).toThrow(IngestError);
  });

  it("names the cell whose shared string does not exist", () => {
    const bytes = buildXlsx([{ name: "S", rows: '<row r="1"><c r="B1" t="s"><v>9</v></c></row>' }], {
      sharedStrings: ["only"],
    });
    expect(() => parseXlsx(bytes)).toThrow(/cell B1 refers to shared string 9/);
  });
});

describe("openXlsx", () => {
  it("streams a large stored worksheet in batches that match the whole", () => {
    const sheet = bigSheet(12_000);
    const bytes = buildXlsx([{ name: "Big", rows: sheet.rows }], { sharedStrings: sheet.strings, level: 0 });
    const reader = openXlsx(bytes);
    const batches = [...reader.batches(1500)];
    expect(batches.length).toBeGreaterThan(3);
    const fractions = batches.map((b) => b.fraction);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(12_001);
    expect(records[0]!.fields).toEqual(["id", "country", "amount", "day"]);
    expect(records.slice(1).map((r) => r.fields)).toEqual(sheet.expected);
    expect(records[12_000]!.line).toBe(12_001);
  });

  it("inflates a deflated member piece by piece to the same bytes", () => {
    const sheet = bigSheet(3000);
    const bytes = buildXlsx([{ name: "S", rows: sheet.rows }], { sharedStrings: sheet.strings });
    const entry = readZipDirectory(bytes).get("xl/worksheets/sheet1.xml")!;
    expect(entry.method).toBe(8);
    const pieces = [...inflateEntry(bytes, entry, { pieceSize: 1000 })];
    expect(pieces.length).toBeGreaterThan(3);
    const total = pieces.reduce((n, p) => n + p.data.length, 0);
    expect(total).toBe(entry.uncompressedSize);
    expect(parseXlsx(bytes).records.map((r) => r.fields)).toEqual(sheet.expected);
  });
});

describe("xlsx helpers", () => {
  it("turns column letters into indexes", () => {
    expect([columnIndex("A1"), columnIndex("Z9"), columnIndex("AA10"), columnIndex("XFD1")]).toEqual([
      0, 25, 26, 16383,
    ]);
  });

  it("converts Excel serials to ISO dates, including the 1900 leap-year quirk", () => {
    expect(excelSerialToIso(1, false)).toBe("1900-01-01");
    expect(excelSerialToIso(59, false)).toBe("1900-02-28");
    expect(excelSerialToIso(61, false)).toBe("1900-03-01");
    expect(excelSerialToIso(40544, false)).toBe("2011-01-01");
    expect(excelSerialToIso(40544.5, true)).toBe("2011-01-01T12:00:00");
  });

  it("classifies number formats as dates or not", () => {
    expect(classifyNumberFormat("dd/mm/yyyy")).toMatchObject({ isDate: true, hasTime: false });
    expect(classifyNumberFormat("yyyy-mm-dd hh:mm:ss")).toMatchObject({ isDate: true, hasTime: true });
    expect(classifyNumberFormat("[h]:mm")).toMatchObject({ isDate: true, hasDate: false, hasTime: true });
    expect(classifyNumberFormat("mmm yy")).toMatchObject({ isDate: true, hasDate: true });
    expect(classifyNumberFormat("#,##0.00")).toMatchObject({ isDate: false });
    expect(classifyNumberFormat('0.00" days"')).toMatchObject({ isDate: false });
    expect(classifyNumberFormat("[Red]0.00")).toMatchObject({ isDate: false });
    expect(classifyNumberFormat("General")).toMatchObject({ isDate: false });
  });
});

/** Rewrites the uncompressed size the central directory gives for `name` (a lying header). */
function withDeclaredSize(bytes: Uint8Array, name: string, size: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let p = 0; p + 46 <= out.length; p++) {
    if (view.getUint32(p, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(p + 28, true);
    if (new TextDecoder().decode(out.subarray(p + 46, p + 46 + nameLength)) === name) {
      view.setUint32(p + 24, size, true);
      return out;
    }
  }
  throw new Error(`no ${name} in the central directory`);
}

/** A worksheet part that is `mib` MiB of zeros: deflates about 1,000 to 1. */
function deflateBomb(mib: number): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const plain = unzipSync(buildXlsx([{ name: "S", rows: "" }]));
  for (const [name, data] of Object.entries(plain)) files[name] = data;
  files["xl/worksheets/sheet1.xml"] = new Uint8Array(mib * 1024 * 1024);
  return zipSync(files, { level: 1 });
}

function errorOf(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error("expected an IngestError, nothing was thrown");
}

describe("limits on hostile workbooks", () => {
  const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

  it("names a cell beyond column XFD instead of padding its row out to it", () => {
    const at = (ref: string) => buildXlsx([{ name: "Orders", rows: `<row r="1">${inline(ref, "x")}</row>` }]);
    expect(parseXlsx(at("XFD1"), { header: false }).records[0]!.fields).toHaveLength(16_384);
    const next = errorOf(() => parseXlsx(at("XFE1")));
    expect(next.message).toMatch(/worksheet "Orders": cell XFE1 lies beyond column XFD/);
    expect(next.line).toBe(1);
    expect(() => parseXlsx(at("ZZZZZZZ1"))).toThrow(
      /worksheet "Orders": cell ZZZZZZZ1 lies beyond column XFD/,
    );
    expect(() => parseXlsx(at(`${"Z".repeat(40)}1`))).toThrow(/lies beyond column XFD/);
  });

  it("names a row beyond 1,048,576, by its row element or its cell reference", () => {
    const sheet = (rows: string) => buildXlsx([{ name: "S", rows }]);
    expect(
      parseXlsx(sheet(`<row r="1048576">${inline("A1048576", "x")}</row>`), { header: false }).records,
    ).toEqual([{ line: 1_048_576, fields: ["x"] }]);
    expect(() => parseXlsx(sheet(`<row r="1048577">${inline("A1", "x")}</row>`))).toThrow(
      /worksheet "S": row 1048577 lies beyond row 1,048,576/,
    );
    expect(() => parseXlsx(sheet(`<row r="2">${inline("B99999999", "x")}</row>`))).toThrow(
      /worksheet "S": cell B99999999 lies beyond row 1,048,576/,
    );
  });

  it("stops a row of more than 16,384 cells written without references", () => {
    const rows = `<row r="1">${"<c><v>1</v></c>".repeat(16_385)}</row>`;
    expect(() => parseXlsx(buildXlsx([{ name: "S", rows }]))).toThrow(/row 1 has more than 16,384 cells/);
  });

  it("refuses a cell or shared string longer than 32,767 characters, Excel's limit", () => {
    const long = "y".repeat(32_767);
    const fits = buildXlsx([{ name: "S", rows: `<row r="1">${inline("A1", long)}</row>` }]);
    expect(parseXlsx(fits, { header: false }).records[0]!.fields[0]).toHaveLength(32_767);
    const over = buildXlsx([{ name: "S", rows: `<row r="3">${inline("C3", `${long}y`)}</row>` }]);
    const error = errorOf(() => parseXlsx(over));
    expect(error.message).toMatch(/worksheet "S": cell C3 holds more than 32,767 characters/);
    expect(error.line).toBe(3);
    // Split into rich-text runs, the text still adds up.
    const runs = `<c r="A1" t="inlineStr"><is><r><t>${long}</t></r><r><t>yy</t></r></is></c>`;
    expect(() => parseXlsx(buildXlsx([{ name: "S", rows: `<row r="1">${runs}</row>` }]))).toThrow(
      /cell A1 holds more than 32,767 characters/,
    );
    const shared = buildXlsx([{ name: "S", rows: '<row r="1"><c r="A1" t="s"><v>1</v></c></row>' }], {
      sharedStrings: ["ok", `${long}y`],
    });
    expect(() => parseXlsx(shared)).toThrow(/shared string 1 is longer than 32,767 characters/);
    expect(() => parseXlsx(fits, { maxCellLength: 100 })).toThrow(/cell A1 holds more than 100 characters/);
  });

  it("stops a text that never ends instead of carrying it from piece to piece", () => {
    // 3 MiB of text between two tags, stored so that it arrives in pieces of 256 KiB.
    const bytes = buildXlsx([{ name: "S", rows: "1".repeat(3 * 1024 * 1024) }], { level: 0 });
    expect(() => parseXlsx(bytes)).toThrow(
      /the \.xlsx worksheet "S" holds a single XML tag or text longer than 1,048,576 characters/,
    );
  });

  it("counts cells, padding included, against maxCells", () => {
    let rows = "";
    for (let r = 1; r <= 10; r++) rows += `<row r="${r}">${inline(`J${r}`, "v")}</row>`;
    const bytes = buildXlsx([{ name: "S", rows }]);
    expect(parseXlsx(bytes, { maxCells: 100 }).records).toHaveLength(9);
    expect(() => parseXlsx(bytes, { maxCells: 99 })).toThrow(
      /worksheet "S" has more than 99 cells .*; split it into smaller files/,
    );
    // A header as wide as XFD pads every short row out to 16,384 cells.
    let wide = `<row r="1">${inline("A1", "id")}${inline("XFD1", "last")}</row>`;
    for (let r = 2; r <= 10; r++) wide += `<row r="${r}">${inline(`A${r}`, "1")}</row>`;
    const padded = buildXlsx([{ name: "S", rows: wide }]);
    expect(openXlsx(padded, { maxCells: 100_000 }).batches().next().value!.records).toHaveLength(10);
    expect(() => parseXlsx(padded, { maxCells: 100_000 })).toThrow(/has more than 100,000 cells/);
  });

  it("limits the shared string table by entries and by characters", () => {
    const bytes = buildXlsx([{ name: "S", rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' }], {
      sharedStrings: ["alpha", "beta", "gamma", "delta"],
    });
    expect(parseXlsx(bytes, { maxSharedStrings: 4, maxSharedStringChars: 19 }).header).toEqual(["alpha"]);
    expect(() => parseXlsx(bytes, { maxSharedStrings: 3 })).toThrow(
      /shared string table has more than 3 entries/,
    );
    expect(() => parseXlsx(bytes, { maxSharedStringChars: 18 })).toThrow(
      /shared string table holds more than 18 characters in all/,
    );
  });

  it("limits the number of parts in the archive", () => {
    const bytes = buildXlsx([{ name: "S", rows: "" }], { sharedStrings: [] });
    expect(readZipDirectory(bytes).size).toBe(6);
    expect(() => parseXlsx(bytes, { maxEntries: 5 })).toThrow(/holds 6 parts, more than the 5 accepted/);
    expect(() => parseXlsx(bytes, { maxEntries: 6 })).not.toThrow();
  });

  it("stops a deflate bomb after a few MiB, before inflating it whole", () => {
    const bytes = deflateBomb(64);
    expect(bytes.length).toBeLessThan(100_000);
    expect(() => parseXlsx(bytes)).toThrow(
      /xl\/worksheets\/sheet1\.xml in the \.xlsx file expands more than 200 times .*zip bomb/,
    );
    const entry = readZipDirectory(bytes).get("xl/worksheets/sheet1.xml")!;
    let inflated = 0;
    expect(() => {
      for (const piece of inflateEntry(bytes, entry)) inflated += piece.data.length;
    }).toThrow(/zip bomb/);
    expect(inflated).toBeLessThan(20 * 1024 * 1024);
  });

  it("limits the bytes inflated from the whole file, even when the directory understates them", () => {
    const sheet = bigSheet(3000);
    const bytes = buildXlsx([{ name: "S", rows: sheet.rows }], { sharedStrings: sheet.strings });
    const size = readZipDirectory(bytes).get("xl/worksheets/sheet1.xml")!.uncompressedSize;
    expect(size).toBeGreaterThan(400_000);
    expect(() => parseXlsx(bytes, { maxInflatedBytes: 300_000 })).toThrow(
      /inflates to more than 293 KiB \(the limit; xl\/worksheets\/sheet1\.xml says it holds/,
    );
    const lying = withDeclaredSize(bytes, "xl/worksheets/sheet1.xml", 1000);
    expect(() => parseXlsx(lying, { maxInflatedBytes: 300_000 })).toThrow(
      /inflates to more than 293 KiB \(the limit; xl\/worksheets\/sheet1\.xml was still growing\)/,
    );
    expect(parseXlsx(lying, { maxInflatedBytes: 1_000_000 }).records).toHaveLength(3000);
    // The same bomb stops at a lower ratio too, and a stored part counts like a deflated one.
    expect(() =>
      parseXlsx(deflateBomb(8), { maxCompressionRatio: 2000, maxInflatedBytes: 4_000_000 }),
    ).toThrow(/inflates to more than/);
    const stored = buildXlsx([{ name: "S", rows: sheet.rows }], { sharedStrings: sheet.strings, level: 0 });
    expect(() =>
      parseXlsx(withDeclaredSize(stored, "xl/worksheets/sheet1.xml", 10), { maxInflatedBytes: 300_000 }),
    ).toThrow(/was still growing/);
  });

  it("keeps a date-styled number past 9999-12-31 as written instead of failing on it", () => {
    const bytes = buildXlsx([
      {
        name: "S",
        rows: '<row r="1"><c r="A1" s="1"><v>1e20</v></c><c r="B1" s="1"><v>2958465</v></c></row>',
      },
    ]);
    expect(parseXlsx(bytes, { header: false }).records[0]!.fields).toEqual(["1e20", "9999-12-31"]);
  });
});

// Fixed so that a failure reproduces; fast-check prints the seed and path of a counterexample.
const FUZZ_SEED = 20_260_520;

/** Reads every row; returns normally or with an IngestError, anything else escapes. */
function readOrIngestError(bytes: Uint8Array, options: ParseXlsxOptions = {}): void {
  try {
    parseXlsx(bytes, options);
  } catch (e) {
    if (!(e instanceof IngestError)) throw e;
  }
}

describe("the .xlsx reader under random damage", () => {
  const sheet = bigSheet(40);
  const seeds = [
    buildXlsx([{ name: "Orders", rows: sheet.rows }], { sharedStrings: sheet.strings }),
    buildXlsx([{ name: "Orders", rows: sheet.rows }], { sharedStrings: sheet.strings, level: 0 }),
  ];

  it("reads a workbook with flipped, cut or inserted bytes, or throws an IngestError", () => {
    const damage = fc.record({
      file: fc.constantFrom(...seeds),
      flips: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 })), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(damage, ({ file, flips, cut, insert }) => {
        let bytes = file.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        if (insert) {
          const at = insert[0] % bytes.length;
          bytes = Uint8Array.from([...bytes.subarray(0, at), ...insert[1], ...bytes.subarray(at)]);
        }
        if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        readOrIngestError(bytes);
      }),
      { seed: FUZZ_SEED, numRuns: 400 },
    );
  });

  it("reads worksheet and shared string XML spliced with hostile fragments, or throws an IngestError", () => {
    const fragment = fc.constantFrom(
      '<c r="XFD1"><v>1</v></c>',
      '<c r="ZZZZZZZ1"><v>1</v></c>',
      '<c r="A99999999">',
      '<row r="1048577">',
      '<row r="0">',
      '<row r="1e300">',
      "<row>",
      "</row>",
      "<c>",
      "</c>",
      '<c t="s"><v>99</v></c>',
      '<c t="s"><v>-1</v></c>',
      '<c s="1"><v>1e308</v></c>',
      '<c s="1"><v>-45000</v></c>',
      '<c s="99"><v>2</v></c>',
      '<c t="d"><v>x</v></c>',
      '<c t="b"><v>2</v></c>',
      "<v>",
      "</v>",
      "<is><t>",
      "</t></is>",
      "<rPh>",
      "</rPh>",
      "<si>",
      "</si>",
      "<t/>",
      "&#x110000;",
      "&#xFFFFFFFFFFFFFFFF;",
      "&#55296;",
      "&bogus;",
      "&",
      "_x0000_",
      "<![CDATA[",
      "]]>",
      "<!--",
      "-->",
      "<?pi ",
      "?>",
      "<!DOCTYPE x>",
      "<",
      ">",
      "'",
      '"',
      "<x:c r='A1' t = 's'>",
      "\u0000",
      "\uFFFF",
    );
    const splice = fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(fragment, { maxLength: 3 })), {
      maxLength: 6,
    });
    const mutate = (xml: string, edits: Array<[number, number, string[]]>): string => {
      let out = xml;
      for (const [at, remove, inserted] of edits) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + inserted.join("") + out.slice(Math.min(out.length, i + remove * 5));
      }
      return out;
    };
    const limits = fc.record({
      maxCells: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
      maxCellLength: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      maxSharedStrings: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(splice, splice, limits, fc.boolean(), (rowEdits, stringEdits, options, isStored) => {
        const rows = mutate(sheet.rows, rowEdits);
        const strings = `<sst ${NS}>${sheet.strings.map((s) => `<si><t>${s}</t></si>`).join("")}</sst>`;
        const bytes = buildXlsx([{ name: "S", rows }], {
          sharedStringsXml: mutate(strings, stringEdits),
          level: isStored ? 0 : 6,
        });
        readOrIngestError(bytes);
        readOrIngestError(bytes, options);
      }),
      { seed: FUZZ_SEED, numRuns: 400 },
    );
  });
});
