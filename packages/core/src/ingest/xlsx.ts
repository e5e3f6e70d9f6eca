import type { CsvRecord } from "./csv.js";
import { IngestError } from "./errors.js";
import { XML_CLOSE, XML_END, XML_OPEN, XML_TEXT, XmlScanner } from "./xml.js";
import {
  DEFAULT_ZIP_LIMITS,
  InflateBudget,
  inflateEntry,
  readEntry,
  readZipDirectory,
  type ZipEntry,
  type ZipLimits,
} from "./zip.js";

export type { ZipLimits } from "./zip.js";

/** Excel's own grid: a worksheet has columns A..XFD and rows 1..1,048,576. */
export const XLSX_MAX_COLUMNS = 16_384;
export const XLSX_MAX_ROWS = 1_048_576;

/**
 * What reading one workbook may cost, so a damaged or hostile file (a zip bomb, a cell at
 * column ZZZZZZZ) fails with a clear message instead of exhausting memory or time. The defaults
 * let through anything Excel itself can save; each limit names itself when it is hit.
 */
export interface XlsxLimits extends ZipLimits {
  /**
   * Most cells in the rows read from the sheet, counting the empty cells before the last filled
   * one of each row and the padding to the header's width (default 25,000,000: Excel's
   * 1,048,576 rows by 24 columns).
   */
  maxCells?: number;
  /** Longest text of one cell or shared string, in characters (default 32,767, Excel's limit). */
  maxCellLength?: number;
  /** Most entries in the shared string table (default 10,000,000). */
  maxSharedStrings?: number;
  /** Most characters in the shared string table, all entries together (default 256 Mi). */
  maxSharedStringChars?: number;
}

export const DEFAULT_XLSX_LIMITS: Readonly<Required<XlsxLimits>> = {
  ...DEFAULT_ZIP_LIMITS,
  maxCells: 25_000_000,
  maxCellLength: 32_767,
  maxSharedStrings: 10_000_000,
  maxSharedStringChars: 256 * 1024 * 1024,
};

export interface ParseXlsxOptions extends XlsxLimits {
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

export interface XlsxBatch {
  /** Raw rows: the header row included, not padded (see ParsedXlsx for what parseXlsx adds). */
  records: CsvRecord[];
  /** How far through the worksheet's data the reader is (0..1), for a progress bar. */
  fraction: number;
}

/** One worksheet opened for reading, row batch by row batch. */
export interface XlsxSheetReader {
  sheetName: string;
  sheetNames: string[];
  /**
   * Reads the worksheet in batches of about `batchSize` rows. The sheet is inflated and
   * scanned piece by piece, so memory holds the file, its shared strings and one batch, never
   * the whole worksheet XML.
   */
  batches(batchSize?: number): Generator<XlsxBatch>;
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
  const reader = openXlsx(bytes, options);
  const rows: CsvRecord[] = [];
  for (const batch of reader.batches()) for (const r of batch.records) rows.push(r);
  const { sheetName, sheetNames } = reader;
  if (options.header === false) return { sheetName, sheetNames, header: [], records: rows };
  const first = rows.shift();
  const header = first ? first.fields.map((f) => f.trim()) : [];
  // Padding multiplies: a header as wide as XFD over a million one-cell rows is 17 billion cells.
  const maxCells = options.maxCells ?? DEFAULT_XLSX_LIMITS.maxCells;
  let cells = header.length;
  for (const r of rows) cells += Math.max(r.fields.length, header.length);
  if (cells > maxCells) throw tooManyCells(`worksheet ${JSON.stringify(sheetName)}`, maxCells, undefined);
  for (const r of rows) while (r.fields.length < header.length) r.fields.push("");
  return { sheetName, sheetNames, header, records: rows };
}

/**
 * Opens one worksheet (by name or 0-based position, default the first) for streaming: reads
 * the workbook, relationships, styles and shared strings now, the rows when asked.
 */
export function openXlsx(
  bytes: Uint8Array,
  options: { sheet?: string | number } & XlsxLimits = {},
): XlsxSheetReader {
  checkSignature(bytes);
  const limits = xlsxLimits(options);
  const entries = readZipDirectory(bytes, limits);
  const budget = new InflateBudget(limits);
  const find = (path: string): ZipEntry | undefined => {
    const exact = entries.get(path);
    if (exact) return exact;
    const lower = path.toLowerCase();
    for (const [name, entry] of entries) if (name.toLowerCase() === lower) return entry;
    return undefined;
  };
  const part = (path: string, what: string): string => {
    const entry = find(path);
    return entry ? decode(readEntry(bytes, entry, budget), what) : "";
  };

  const workbookXml = part("xl/workbook.xml", "workbook");
  if (workbookXml === "")
    throw new IngestError("not an Excel workbook: the file has no xl/workbook.xml part");
  const workbook = readWorkbook(workbookXml);
  const rels = readRelationships(part("xl/_rels/workbook.xml.rels", "workbook relationships"));
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
  const sheetEntry = find(sheetPath);
  if (!sheetEntry) {
    throw new IngestError(`worksheet ${JSON.stringify(sheet.name)} is missing from the file (${sheetPath})`);
  }

  const stringsEntry = find("xl/sharedStrings.xml");
  const sharedStrings = new SharedStringsReader(limits);
  if (stringsEntry) {
    try {
      for (const { scanner } of scanEntry(bytes, stringsEntry, "shared strings", budget, limits))
        sharedStrings.feed(scanner);
    } catch (e) {
      throw xmlError(e, "shared strings");
    }
  }
  const dateStyles = readDateStyles(part("xl/styles.xml", "styles"));
  const sheetLabel = `worksheet ${JSON.stringify(sheet.name)}`;
  const openingBytes = budget.inflatedBytes;

  return {
    sheetName: sheet.name,
    sheetNames,
    *batches(batchSize = 5000): Generator<XlsxBatch> {
      const rows = new SheetRowReader(sharedStrings.strings, dateStyles, workbook.is1904, sheetLabel, limits);
      // Each pass over the sheet counts from what opening the workbook cost.
      const sheetBudget = new InflateBudget(limits);
      sheetBudget.inflatedBytes = openingBytes;
      let records: CsvRecord[] = [];
      let fraction = 0;
      for (const piece of scanEntry(bytes, sheetEntry, sheetLabel, sheetBudget, limits)) {
        fraction = piece.fraction;
        try {
          rows.feed(piece.scanner, records);
        } catch (e) {
          throw xmlError(e, sheetLabel);
        }
        if (records.length >= batchSize) {
          yield { records, fraction };
          records = [];
        }
      }
      if (records.length > 0 || fraction < 1) yield { records, fraction: 1 };
    },
  };
}

function xlsxLimits(options: XlsxLimits): Required<XlsxLimits> {
  const d = DEFAULT_XLSX_LIMITS;
  return {
    maxEntries: options.maxEntries ?? d.maxEntries,
    maxInflatedBytes: options.maxInflatedBytes ?? d.maxInflatedBytes,
    maxCompressionRatio: options.maxCompressionRatio ?? d.maxCompressionRatio,
    maxCells: options.maxCells ?? d.maxCells,
    maxCellLength: options.maxCellLength ?? d.maxCellLength,
    maxSharedStrings: options.maxSharedStrings ?? d.maxSharedStrings,
    maxSharedStringChars: options.maxSharedStringChars ?? d.maxSharedStringChars,
  };
}

/** 25000000 as "25,000,000", for messages. */
function grouped(n: number): string {
  return n.toLocaleString("en-US");
}

function tooManyCells(sheetLabel: string, maxCells: number, line: number | undefined): IngestError {
  return new IngestError(
    `${sheetLabel} has more than ${grouped(maxCells)} cells (counting the empty cells before the last filled one of each row), more than is read from one sheet; split it into smaller files`,
    line === undefined ? {} : { line },
  );
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
      "this is an old-style Excel .xls file (or a password-protected workbook); save it as .xlsx (Excel Workbook) or CSV and upload that",
    );
  }
  throw new IngestError(
    bytes.length === 0 ? "the file is empty" : "not an .xlsx file: it does not start with a ZIP signature",
  );
}

function decode(data: Uint8Array, part: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new IngestError(`the .xlsx ${part} is not valid UTF-8`);
  }
}

/** Runs a reader over XML, turning scanner failures into a message naming the part. */
function withXml<T>(xml: string, part: string, read: (x: XmlScanner) => T): T {
  try {
    return read(new XmlScanner(xml));
  } catch (e) {
    throw xmlError(e, part);
  }
}

function xmlError(e: unknown, part: string): Error {
  if (e instanceof IngestError) return e;
  return new IngestError(`the .xlsx ${part} is not well-formed XML (${(e as Error).message})`);
}

/**
 * Inflates a member piece by piece, decodes it as UTF-8 and hands out one scanner per piece;
 * a token cut by a piece boundary is carried into the next piece. The consumer must read each
 * scanner to its end before asking for the next one.
 */
function* scanEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  part: string,
  budget: InflateBudget,
  limits: Required<XlsxLimits>,
): Generator<{ scanner: XmlScanner; fraction: number }> {
  // A token cut by a piece boundary waits for the next piece; one that never ends (text without
  // a "<") would be copied again with every piece. The longest honest token is a cell's text with
  // every character escaped (&#x10FFFF; is 10 characters for 1 or 2).
  const maxToken = Math.max(1 << 20, limits.maxCellLength * 10);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let carry = "";
  let fraction = 0;
  const text = (data?: Uint8Array): string => {
    try {
      return data ? decoder.decode(data, { stream: true }) : decoder.decode();
    } catch {
      throw new IngestError(`the .xlsx ${part} is not valid UTF-8`);
    }
  };
  for (const piece of inflateEntry(bytes, entry, { budget })) {
    fraction = piece.fraction;
    const scanner = new XmlScanner(carry + text(piece.data), false);
    yield { scanner, fraction };
    carry = scanner.rest();
    if (carry.length > maxToken) {
      throw new IngestError(
        `the .xlsx ${part} holds a single XML tag or text longer than ${grouped(maxToken)} characters (a cell holds at most ${grouped(limits.maxCellLength)}); the file is damaged`,
      );
    }
  }
  const last = new XmlScanner(carry + text(), true);
  yield { scanner: last, fraction: 1 };
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

/** Collects the shared string table, fed one scanner (piece of the part) at a time. */
class SharedStringsReader {
  readonly strings: string[] = [];
  private current = "";
  private isInSi = false;
  private isInT = false;
  private phoneticDepth = 0;
  private chars = 0;

  constructor(private readonly limits: Required<XlsxLimits>) {}

  private add(text: string): void {
    const { maxSharedStrings, maxSharedStringChars } = this.limits;
    if (this.strings.length >= maxSharedStrings) {
      throw new IngestError(
        `the .xlsx shared string table has more than ${grouped(maxSharedStrings)} entries, more than is read from one file; split it into smaller files`,
      );
    }
    this.chars += text.length;
    if (this.chars > maxSharedStringChars) {
      throw new IngestError(
        `the .xlsx shared string table holds more than ${grouped(maxSharedStringChars)} characters in all, more than is read from one file; split it into smaller files`,
      );
    }
    this.strings.push(text);
  }

  feed(x: XmlScanner): void {
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_OPEN) {
        if (x.name === "si") {
          if (x.isSelfClosing) this.add("");
          else {
            this.isInSi = true;
            this.current = "";
          }
        } else if (x.name === "rPh" && !x.isSelfClosing) this.phoneticDepth++;
        else if (x.name === "t" && !x.isSelfClosing) this.isInT = true;
      } else if (t === XML_CLOSE) {
        if (x.name === "si" && this.isInSi) {
          this.add(this.current);
          this.current = "";
          this.isInSi = false;
        } else if (x.name === "rPh") this.phoneticDepth--;
        else if (x.name === "t") this.isInT = false;
      } else if (t === XML_TEXT && this.isInSi && this.isInT && this.phoneticDepth === 0) {
        this.current += x.text();
        if (this.current.length > this.limits.maxCellLength) {
          throw new IngestError(
            `the .xlsx shared string ${this.strings.length} is longer than ${grouped(this.limits.maxCellLength)} characters, the most a cell may hold`,
          );
        }
      }
    }
  }
}

/** Whether each cell style (index into cellXfs) is a date format, and whether it shows a time. */
export interface DateStyle {
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

/**
 * Column letters of a cell reference (A1, AB12) to a 0-based index; -1 if there are none. Past
 * XFD the index is only known to be 16,384 or more (it stops growing, so ZZZZZZZZZZZZ1 cannot
 * overflow into a small number).
 */
export function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper-case
    if (c < 65 || c > 90) break;
    if (col <= XLSX_MAX_COLUMNS) col = col * 26 + (c - 64);
  }
  return i === 0 ? -1 : col - 1;
}

const MS_PER_DAY = 86_400_000;
/** The day after 9999-12-31, the last date Excel shows. */
const MAX_DATE_SERIAL = 2_958_466;
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

/** Turns worksheet XML into rows, fed one scanner (piece of the part) at a time. */
class SheetRowReader {
  private rowNumber = 0;
  private fields: string[] = [];
  private hasValue = false;
  private col = -1;
  private type = "n";
  private style = 0;
  private value = "";
  private cellRef = "";
  private isInValue = false;
  private isInInline = false;
  private phoneticDepth = 0;
  private cells = 0;

  constructor(
    private readonly sharedStrings: string[],
    private readonly dateStyles: DateStyle[],
    private readonly is1904: boolean,
    private readonly sheetLabel: string,
    private readonly limits: Required<XlsxLimits>,
  ) {}

  /** A cell or row outside Excel's grid: padding a row out to it would take the memory. */
  private outsideGrid(what: string): IngestError {
    return new IngestError(
      `${this.sheetLabel}: ${what}; the file is damaged or was not written by a spreadsheet program`,
      { line: this.rowNumber },
    );
  }

  /**
   * Reads r, t and s of a cell in one pass over its attribute text (the hottest tag of a
   * sheet); falls back to the scanner's general lookup for unusual quoting.
   */
  private readCellAttributes(x: XmlScanner): void {
    const text = x.attrText();
    let ref: string | undefined;
    let type = "n";
    let style = 0;
    let i = 0;
    const n = text.length;
    let isUnusual = false;
    while (i < n) {
      const eq = text.indexOf('="', i);
      if (eq < 0) {
        isUnusual = text.indexOf("=", i) >= 0;
        break;
      }
      const close = text.indexOf('"', eq + 2);
      if (close < 0) {
        isUnusual = true;
        break;
      }
      let k = i;
      while (k < eq && text.charCodeAt(k) <= 32) k++;
      if (eq - k === 1) {
        const key = text.charCodeAt(k);
        if (key === 114 /* r */) ref = text.slice(eq + 2, close);
        else if (key === 116 /* t */) type = text.slice(eq + 2, close);
        else if (key === 115 /* s */) style = Number(text.slice(eq + 2, close));
      } else if (text.charCodeAt(eq - 2) === 58 /* prefix: */ || text.charCodeAt(k) === 39) {
        isUnusual = true;
      }
      i = close + 1;
    }
    if (isUnusual || text.indexOf("'") >= 0) {
      ref = x.attr("r");
      type = x.attr("t") ?? "n";
      style = Number(x.attr("s") ?? 0);
    }
    this.cellRef = ref ?? "";
    const at = ref === undefined ? -1 : columnIndex(ref);
    this.col = at >= 0 ? at : this.col + 1;
    if (this.col >= XLSX_MAX_COLUMNS) {
      throw this.outsideGrid(
        ref === undefined || at < 0
          ? `row ${this.rowNumber} has more than ${grouped(XLSX_MAX_COLUMNS)} cells, the most a row can have (A to XFD)`
          : `cell ${ref} lies beyond column XFD, the last of the ${grouped(XLSX_MAX_COLUMNS)} columns a worksheet can have`,
      );
    }
    // Seven digits reach 1,048,576; only a reference that long can lie beyond the last row.
    if (ref !== undefined && ref.length >= 8) {
      let k = 0;
      while (k < ref.length && ref.charCodeAt(k) > 57) k++;
      if (Number(ref.slice(k)) > XLSX_MAX_ROWS) {
        throw this.outsideGrid(
          `cell ${ref} lies beyond row ${grouped(XLSX_MAX_ROWS)}, the last a worksheet can have`,
        );
      }
    }
    this.type = type;
    this.style = Number.isFinite(style) ? style : 0;
  }

  feed(x: XmlScanner, rows: CsvRecord[]): void {
    for (let t = x.next(); t !== XML_END; t = x.next()) {
      if (t === XML_TEXT) {
        if (this.isInValue && this.phoneticDepth === 0) {
          this.value += x.text();
          if (this.value.length > this.limits.maxCellLength) {
            throw new IngestError(
              `${this.sheetLabel}: cell ${this.cellRef || `in row ${this.rowNumber}`} holds more than ${grouped(this.limits.maxCellLength)} characters, the most a cell may hold`,
              { line: this.rowNumber },
            );
          }
        }
        continue;
      }
      const name = x.name;
      if (t === XML_OPEN) {
        if (name === "c") {
          this.readCellAttributes(x);
          this.value = "";
          if (x.isSelfClosing) setCell(this.fields, this.col, "");
        } else if (name === "v") {
          this.isInValue = !x.isSelfClosing;
        } else if (name === "is") {
          this.isInInline = true;
        } else if (name === "t" && this.isInInline) {
          this.isInValue = !x.isSelfClosing;
        } else if (name === "rPh" && !x.isSelfClosing) {
          this.phoneticDepth++;
        } else if (name === "row") {
          const r = Number(x.attr("r"));
          this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
          if (this.rowNumber > XLSX_MAX_ROWS) {
            throw this.outsideGrid(
              `row ${this.rowNumber} lies beyond row ${grouped(XLSX_MAX_ROWS)}, the last a worksheet can have`,
            );
          }
          this.fields = [];
          this.hasValue = false;
          this.col = -1;
        }
      } else if (t === XML_CLOSE) {
        if (name === "v" || name === "t") this.isInValue = false;
        else if (name === "is") this.isInInline = false;
        else if (name === "rPh") this.phoneticDepth--;
        else if (name === "c") {
          const text = cellText(
            this.type,
            this.value,
            this.style,
            this.sharedStrings,
            this.dateStyles,
            this.is1904,
            this.cellRef,
            this.rowNumber,
          );
          if (text !== "") this.hasValue = true;
          setCell(this.fields, this.col, text);
        } else if (name === "row") {
          if (this.hasValue) {
            const fields = this.fields;
            let last = fields.length;
            while (last > 0 && fields[last - 1] === "") last--;
            fields.length = last;
            this.cells += last;
            if (this.cells > this.limits.maxCells)
              throw tooManyCells(this.sheetLabel, this.limits.maxCells, this.rowNumber);
            rows.push({ line: this.rowNumber, fields });
          }
          this.fields = [];
        }
      }
    }
  }
}

/** An empty cell past the row's end is left out: trailing empties are dropped at the row's end anyway. */
function setCell(fields: string[], col: number, text: string): void {
  if (text === "" && col >= fields.length) return;
  while (fields.length < col) fields.push("");
  fields[col] = text;
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
        // Excel's dates end at 9999-12-31 (serial 2,958,465); past it Excel shows ####, and a
        // far larger serial is no date at all: keep the number as written.
        if (serial >= 0 && serial < MAX_DATE_SERIAL) {
          if (!ds.hasDate && serial < 1) {
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
