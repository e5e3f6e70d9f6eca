import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { IngestError } from "./errors.js";
import { classifyNumberFormat, columnIndex, excelSerialToIso, isXlsx, openXlsx, parseXlsx } from "./xlsx.js";
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
    const pieces = [...inflateEntry(bytes, entry, 1000)];
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
