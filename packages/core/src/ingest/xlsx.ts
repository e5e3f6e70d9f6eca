import { type Unzipped, unzipSync } from "fflate";
import type { CsvRecord } from "./csv.js";
import { IngestError } from "./errors.js";
import { XML_CLOSE, XML_END, XML_OPEN, XML_TEXT, XmlScanner } from "./xml.js";

export interface ParseXlsxOptions {
  /** Worksheet name or 0-based position among the workbook's sheets (default: the first). */
  sheet?: string | number;
  /** Whether the first non-empty row is a header (default true). */
  header?: boolean;
}

export interface ParsedXlsx {
  sheetName: string;
  sheetNames: string[];
  /** The first non-empty row, trimmed (empty when `header: false` or the sheet is empty). */
  header: string[];
  /**
   * Rows as strings, `line` being the spreadsheet row number (what Excel shows). Empty rows
   * are skipped; a row shorter than the header is padded with "" (Excel does not store
   * trailing empty cells), a longer one is kept as it is so validation can report it.
   */
  records: CsvRecord[];
}

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];

/**
 * Reads one worksheet of an .xlsx file into rows of strings: shared and inline strings as
 * text, numbers as written in the file, booleans as TRUE/FALSE, error cells as their code
 * (#N/A), and numbers whose cell style is a date format as ISO dates (`2024-03-01`, or
 * `2024-03-01T08:26:00` when the format shows a time).
 */
export function parseXlsx(bytes: Uint8Array, options: ParseXlsxOptions = {}): ParsedXlsx {
  checkSignature(bytes);
  const meta = unzipParts(bytes, (name) =>
    ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"].includes(name),
  );
  const workbookXml = meta["xl/workbook.xml"];
  if (!workbookXml) throw new IngestError("not an Excel workbook: the file has no xl/workbook.xml part");
  const workbook = readWorkbook(decode(workbookXml, "xl/workbook.xml"));
  const rels = readRelationships(
    decodeOptional(meta["xl/_rels/workbook.xml.rels"], "workbook relationships"),
  );
  if (workbook.sheets.length === 0) throw new IngestError("the workbook has no worksheets");

  const sheetNames = workbook.sheets.map((s) => s.name);
  const wanted = options.sheet ?? 0;
  const sheet =
    typeof wanted === "number" ? workbook.sheets[wanted] : workbook.sheets.find((s) => s.name === wanted);
  if (!sheet) {
    throw new IngestError(
      `the workbook has no worksheet ${typeof wanted === "number" ? `number ${wanted + 1}` : JSON.stringify(wanted)}; its sheets are ${sheetNames.map((s) => JSON.stringify(s)).join(", ")}`,
    );
  }
  const target = rels.get(sheet.relId);
  if (target === undefined) {
    throw new IngestError(
      `the workbook does not say where worksheet ${JSON.stringify(sheet.name)} is stored`,
    );
  }
  const sheetPath = resolveTarget(target);
  const sheetParts = unzipParts(bytes, (name) => name === sheetPath);
  const sheetXml = sheetParts[sheetPath];
  if (!sheetXml) {
    throw new IngestError(`worksheet ${JSON.stringify(sheet.name)} is missing from the file (${sheetPath})`);
  }

  const sharedStrings = readSharedStrings(decodeOptional(meta["xl/sharedStrings.xml"], "shared strings"));
  const dateStyles = readDateStyles(decodeOptional(meta["xl/styles.xml"], "styles"));
  const rows = readSheet(decode(sheetXml, sheetPath), sharedStrings, dateStyles, workbook.is1904, sheet.name);

  if (options.header === false) return { sheetName: sheet.name, sheetNames, header: [], records: rows };
  const first = rows.shift();
  const header = first ? first.fields.map((f) => f.trim()) : [];
  for (const r of rows) while (r.fields.length < header.length) r.fields.push("");
  return { sheetName: sheet.name, sheetNames, header, records: rows };
}

/** True when the bytes start like a ZIP archive (an .xlsx is one). */
export function isXlsx(bytes: Uint8Array): boolean {
  return startsWith(bytes, ZIP_SIGNATURE);
}

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

function checkSignature(bytes: Uint8Array): void {
  if (startsWith(bytes, ZIP_SIGNATURE)) return;
  if (startsWith(bytes, OLE_SIGNATURE)) {
    throw new IngestError(
      "this is an old-style Excel .xls file; save it as .xlsx (Excel Workbook) or CSV and upload that",
    );
  }
  throw new IngestError(
    bytes.length === 0 ? "the file is empty" : "not an .xlsx file: it does not start with a ZIP signature",
  );
}

function unzipParts(bytes: Uint8Array, keep: (name: string) => boolean): Unzipped {
  try {
    return unzipSync(bytes, { filter: (file) => keep(file.name) });
  } catch (e) {
    throw new IngestError(`the .xlsx file is damaged and cannot be unzipped (${(e as Error).message})`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(data: Uint8Array, part: string): string {
  try {
    return utf8.decode(data);
  } catch {
    throw new IngestError(`the .xlsx part ${part} is not valid UTF-8`);
  }
}

function decodeOptional(data: Uint8Array | undefined, part: string): string {
  return data ? decode(data, part) : "";
}

/** Runs a reader over XML, turning scanner failures into a message naming the part. */
function withXml<T>(xml: string, part: string, read: (x: XmlScanner) => T): T {
  try {
    return read(new XmlScanner(xml));
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(`the .xlsx ${part} is not well-formed XML (${(e as Error).message})`);
  }
}

interface WorkbookInfo {
  sheets: Array<{ name: string; relId: string }>;
  is1904: boolean;
}

function readWorkbook(xml: string): WorkbookInfo {
  return withXml(xml, "workbook", (x) => {
    const info: WorkbookInfo = { sheets: [], is1904: false };
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t !== XML_OPEN) continue;
      if (x.name === "sheet") {
        info.sheets.push({
          name: x.attr("name") ?? `Sheet${info.sheets.length + 1}`,
          relId: x.attr("id") ?? "",
        });
      } else if (x.name === "workbookPr") {
        const v = x.attr("date1904");
        info.is1904 = v === "1" || v === "true";
      }
    }
    return info;
  });
}

function readRelationships(xml: string): Map<string, string> {
  return withXml(xml, "workbook relationships", (x) => {
    const rels = new Map<string, string>();
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_OPEN && x.name === "Relationship") {
        const id = x.attr("Id");
        const target = x.attr("Target");
        if (id !== undefined && target !== undefined) rels.set(id, target);
      }
    }
    return rels;
  });
}

/** Relationship targets are relative to xl/ unless absolute within the package. */
function resolveTarget(target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = ["xl"];
  for (const p of target.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== "." && p !== "") parts.push(p);
  }
  return parts.join("/");
}

function readSharedStrings(xml: string): string[] {
  if (xml === "") return [];
  return withXml(xml, "shared strings", (x) => {
    const strings: string[] = [];
    let current = "";
    let isInSi = false;
    let isInT = false;
    let phoneticDepth = 0;
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_OPEN) {
        if (x.name === "si") {
          if (x.isSelfClosing) strings.push("");
          else {
            isInSi = true;
            current = "";
          }
        } else if (x.name === "rPh" && !x.isSelfClosing) phoneticDepth++;
        else if (x.name === "t" && !x.isSelfClosing) isInT = true;
      } else if (t === XML_CLOSE) {
        if (x.name === "si" && isInSi) {
          strings.push(current);
          isInSi = false;
        } else if (x.name === "rPh") phoneticDepth--;
        else if (x.name === "t") isInT = false;
      } else if (t === XML_TEXT && isInSi && isInT && phoneticDepth === 0) {
        current += x.text();
      }
    }
    return strings;
  });
}

/** Whether each cell style (index into cellXfs) is a date format, and whether it shows a time. */
interface DateStyle {
  isDate: boolean;
  hasTime: boolean;
  hasDate: boolean;
}

const NOT_DATE: DateStyle = { isDate: false, hasTime: false, hasDate: false };

/** Built-in number formats (ECMA-376 18.8.30) that are dates or times. */
function builtinDateStyle(id: number): DateStyle {
  if ((id >= 14 && id <= 17) || id === 22) return { isDate: true, hasDate: true, hasTime: id === 22 };
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
    return { isDate: true, hasDate: false, hasTime: true };
  // 27-36 and 50-58 are locale-specific (East Asian) date formats.
  if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58))
    return { isDate: true, hasDate: true, hasTime: false };
  return NOT_DATE;
}

/** Classifies a custom format code by its tokens outside quotes, brackets and escapes. */
export function classifyNumberFormat(code: string): DateStyle {
  let plain = "";
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '"') {
      const close = code.indexOf('"', i + 1);
      i = close < 0 ? code.length : close;
    } else if (ch === "\\" || ch === "_" || ch === "*") {
      i++;
    } else if (ch === "[") {
      const close = code.indexOf("]", i + 1);
      const inner = code.slice(i + 1, close < 0 ? code.length : close).toLowerCase();
      // Elapsed-time tokens [h] [mm] [ss] are times; colours and locales are not.
      if (/^(h+|m+|s+)$/.test(inner)) plain += "h";
      i = close < 0 ? code.length : close;
    } else if (ch === ";") {
      break; // the first section decides for positive numbers
    } else {
      plain += ch.toLowerCase();
    }
  }
  if (plain === "general" || plain.trim() === "") return NOT_DATE;
  const hasDate = /[dy]/.test(plain) || /m{3,}/.test(plain) || (/m/.test(plain) && !/[hs]/.test(plain));
  const hasTime = /[hs]/.test(plain);
  return hasDate || hasTime ? { isDate: true, hasDate, hasTime } : NOT_DATE;
}

function readDateStyles(xml: string): DateStyle[] {
  if (xml === "") return [];
  return withXml(xml, "styles", (x) => {
    const custom = new Map<number, DateStyle>();
    const styles: DateStyle[] = [];
    let isInCellXfs = false;
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_OPEN) {
        if (x.name === "numFmt") {
          const id = Number(x.attr("numFmtId"));
          custom.set(id, classifyNumberFormat(x.attr("formatCode") ?? ""));
        } else if (x.name === "cellXfs" && !x.isSelfClosing) isInCellXfs = true;
        else if (x.name === "xf" && isInCellXfs) {
          const id = Number(x.attr("numFmtId") ?? 0);
          styles.push(custom.get(id) ?? builtinDateStyle(id));
        }
      } else if (t === XML_CLOSE && x.name === "cellXfs") isInCellXfs = false;
    }
    return styles;
  });
}

/** Column letters of a cell reference (A1, AB12) to a 0-based index; -1 if there are none. */
export function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper-case
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i === 0 ? -1 : col - 1;
}

const MS_PER_DAY = 86_400_000;
// Excel's 1900 system counts a non-existent 1900-02-29 (serial 60), so serials from 61 on
// are days since 1899-12-30; the 1904 system counts from 1904-01-01.
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** An Excel date serial to ISO text: date only, or date and time when `withTime`. */
export function excelSerialToIso(serial: number, withTime: boolean, is1904 = false): string {
  const days = !is1904 && serial < 61 && serial >= 1 ? serial + 1 : serial;
  const ms = Math.round((is1904 ? EPOCH_1904 : EPOCH_1900) + days * MS_PER_DAY);
  // Round to the second: serials carry floating-point noise (0.999999 of a second).
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  return withTime ? iso.slice(0, 19) : iso.slice(0, 10);
}

function readSheet(
  xml: string,
  sharedStrings: string[],
  dateStyles: DateStyle[],
  is1904: boolean,
  sheetName: string,
): CsvRecord[] {
  return withXml(xml, `worksheet ${JSON.stringify(sheetName)}`, (x) => {
    const rows: CsvRecord[] = [];
    let rowNumber = 0;
    let fields: string[] = [];
    let hasValue = false;
    let col = -1;
    let type = "n";
    let style = 0;
    let value = "";
    let cellRef = "";
    let isInValue = false;
    let isInInline = false;
    let phoneticDepth = 0;

    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_TEXT) {
        if (isInValue && phoneticDepth === 0) value += x.text();
        continue;
      }
      const name = x.name;
      if (t === XML_OPEN) {
        if (name === "c") {
          const r = x.attr("r");
          cellRef = r ?? "";
          const at = r === undefined ? -1 : columnIndex(r);
          col = at >= 0 ? at : col + 1;
          type = x.attr("t") ?? "n";
          style = Number(x.attr("s") ?? 0);
          value = "";
          if (x.isSelfClosing) col = setCell(fields, col, "");
        } else if (name === "v") {
          isInValue = !x.isSelfClosing;
        } else if (name === "is") {
          isInInline = true;
        } else if (name === "t" && isInInline) {
          isInValue = !x.isSelfClosing;
        } else if (name === "rPh" && !x.isSelfClosing) {
          phoneticDepth++;
        } else if (name === "row") {
          const r = Number(x.attr("r"));
          rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
          fields = [];
          hasValue = false;
          col = -1;
        }
      } else if (t === XML_CLOSE) {
        if (name === "v" || name === "t") isInValue = false;
        else if (name === "is") isInInline = false;
        else if (name === "rPh") phoneticDepth--;
        else if (name === "c") {
          const text = cellText(type, value, style, sharedStrings, dateStyles, is1904, cellRef, rowNumber);
          if (text !== "") hasValue = true;
          setCell(fields, col, text);
        } else if (name === "row") {
          if (hasValue) {
            let last = fields.length;
            while (last > 0 && fields[last - 1] === "") last--;
            fields.length = last;
            rows.push({ line: rowNumber, fields });
          }
          fields = [];
        }
      }
    }
    return rows;
  });
}

function setCell(fields: string[], col: number, text: string): number {
  while (fields.length < col) fields.push("");
  fields[col] = text;
  return col;
}

function cellText(
  type: string,
  value: string,
  style: number,
  sharedStrings: string[],
  dateStyles: DateStyle[],
  is1904: boolean,
  ref: string,
  row: number,
): string {
  switch (type) {
    case "s": {
      const s = sharedStrings[Number(value)];
      if (s === undefined) {
        throw new IngestError(
          `cell ${ref || `in row ${row}`} refers to shared string ${value}, which the file does not contain`,
          { line: row },
        );
      }
      return s;
    }
    case "b":
      return value === "1" || value === "true" ? "TRUE" : value === "" ? "" : "FALSE";
    case "inlineStr":
    case "str":
    case "e":
      return value;
    case "d":
      // An ISO 8601 date cell (strict OOXML): keep it, without a zero time.
      return value.endsWith("T00:00:00") || value.endsWith("T00:00:00Z") ? value.slice(0, 10) : value;
    default: {
      if (value === "") return "";
      const ds = dateStyles[style];
      if (ds?.isDate) {
        const serial = Number(value);
        if (Number.isFinite(serial)) {
          if (!ds.hasDate && serial >= 0 && serial < 1) {
            return excelSerialToIso(serial, true, is1904).slice(11); // a time of day alone
          }
          // A fraction of a day is a time even when the format hides it: never drop it.
          return excelSerialToIso(serial, ds.hasTime || serial % 1 !== 0, is1904);
        }
      }
      return value;
    }
  }
}
