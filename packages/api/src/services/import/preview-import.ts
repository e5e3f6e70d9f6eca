import { createReadStream } from "node:fs";
import {
  type ColumnType,
  type CsvRecord,
  type DatasetKind,
  type DateFormatDetection,
  detectDateFormat,
  guessMapping,
  inferColumnType,
  isMissingText,
  openXlsx,
  sniffFile,
  type TextEncoding,
} from "@strata/core";
import { AppError } from "../../errors.js";
import { isPersonalHeader } from "../privacy/personal-columns.js";
import { type FieldDefinition, fieldsFor } from "./fields.js";
import type { AttributeMapping, ImportMapping } from "./mapping.js";
import { cleanHeader, type FileFormat, readRecords } from "./read-file.js";

/** Rows read to infer types and guess formats; the page shows the first PREVIEW_ROWS of them. */
const SAMPLE_ROWS = 1000;
const PREVIEW_ROWS = 20;
/** A CSV preview never reads more than this much of the file. */
const SAMPLE_BYTES = 2 * 1024 * 1024;

export interface PreviewColumn {
  name: string;
  type: ColumnType;
  missing: number;
  examples: string[];
}

export interface ImportPreview {
  format: FileFormat;
  encoding: TextEncoding | null;
  delimiter: string | null;
  sheetNames: string[];
  header: string[];
  rows: Array<{ line: number; fields: string[] }>;
  sampleSize: number;
  columns: PreviewColumn[];
  fields: readonly FieldDefinition[];
  /** The guessed mapping, ready to confirm or edit. */
  mapping: ImportMapping;
  /** Required fields no column was found for. */
  missingFields: string[];
  dateDetection: DateFormatDetection | null;
  /** Date format detection of every column that holds dates, so a re-mapped date column has one too. */
  dateFormats: Record<string, DateFormatDetection>;
  /** Things the user should know before importing. */
  notices: ImportNotice[];
}

/**
 * - `generated-ids`: no column looks like a customer id, so ids are `row-<line>` (isIdFromLine)
 * - `date-format`: the dates of `column` can be read several ways, or not all in one way
 */
export interface ImportNotice {
  code: "generated-ids" | "date-format";
  column?: string;
  message: string;
}

export interface PreviewOptions {
  kind: DatasetKind;
  format: FileFormat;
  encoding?: TextEncoding;
  delimiter?: string;
  sheet?: string;
}

/**
 * Reads the first rows of an uploaded file and proposes everything the mapping step needs: the
 * header, a preview, each column's inferred type, the field mapping, date format, decimal separator
 * and (for text files whose bytes are not UTF-8) the encoding.
 */
export async function previewImport(path: string, options: PreviewOptions): Promise<ImportPreview> {
  let encoding: TextEncoding | null = null;
  let delimiter: string | null = null;
  let sheetNames: string[] = [];
  const records: CsvRecord[] = [];
  if (options.format === "xlsx") {
    const bytes = await readAll(path);
    // Only the first rows: the sheet is inflated and scanned batch by batch, and the preview stops
    // after the first, so a big (or hostile) workbook costs the request little.
    const reader = openXlsx(bytes, options.sheet ? { sheet: options.sheet } : {});
    sheetNames = reader.sheetNames;
    for (const batch of reader.batches(SAMPLE_ROWS + 1)) {
      for (const r of batch.records) if (records.length <= SAMPLE_ROWS) records.push(r);
      if (records.length > SAMPLE_ROWS) break;
    }
  } else {
    encoding = options.encoding ?? (await guessEncoding(path));
    const stream = createReadStream(path, { end: SAMPLE_BYTES - 1, highWaterMark: 256 * 1024 });
    try {
      for await (const batch of readRecords(stream, {
        format: "csv",
        encoding,
        ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      })) {
        delimiter = batch.delimiter ?? delimiter;
        for (const r of batch.records) if (records.length <= SAMPLE_ROWS) records.push(r);
        if (records.length > SAMPLE_ROWS) break;
      }
    } catch (error) {
      // A sample cut inside a quoted field is not an error of the file; anything else is.
      if (!(records.length > 1 && /never closed/.test((error as Error).message))) {
        throw new AppError("BAD_REQUEST", `The file could not be read: ${(error as Error).message}`, "file");
      }
    } finally {
      stream.destroy();
    }
  }
  const first = records.shift();
  if (!first)
    throw new AppError("BAD_REQUEST", "The file is empty: it has no header row and no data.", "file");
  if (records.length === 0)
    throw new AppError("BAD_REQUEST", "The file has a header row but no data rows.", "file");
  const header = cleanHeader(first.fields);

  const isDecimalComma = delimiter !== "," && hasDecimalComma(records);
  const columns: PreviewColumn[] = header.map((name, j) => {
    const values = records.map((r) => r.fields[j] ?? "");
    const forInference = isDecimalComma
      ? values.map((v) => v.replace(/^([+-]?\d+),(\d+)$/, "$1.$2"))
      : values;
    return {
      name,
      type: inferColumnType(forInference, name),
      missing: values.filter((v) => isMissingText(v)).length,
      examples: [...new Set(values.filter((v) => !isMissingText(v)))].slice(0, 3),
    };
  });

  const guess = guessMapping(header, options.kind);
  const fields: Record<string, string> = {};
  for (const [field, index] of Object.entries(guess.mapping.fields)) {
    if (index !== undefined) fields[field] = header[index]!;
  }
  const mapping: ImportMapping = { fields };
  let dateDetection: DateFormatDetection | null = null;
  // The date a row is read with: the order date, or an event's (optional) date.
  const dateColumn = options.kind === "activities" ? fields.occurredOn : fields.orderedAt;
  if (options.kind !== "customers" && dateColumn) {
    const j = header.indexOf(dateColumn);
    dateDetection = detectDateFormat(records.map((r) => ({ line: r.line, value: r.fields[j] ?? "" })));
    if (dateDetection.format) mapping.dateFormat = dateDetection.format;
  }
  const dateFormats: Record<string, DateFormatDetection> = {};
  columns.forEach((column, j) => {
    if (column.type !== "date") return;
    dateFormats[column.name] = detectDateFormat(
      records.map((r) => ({ line: r.line, value: r.fields[j] ?? "" })),
    );
  });
  const notices: ImportNotice[] = [];
  let missingFields: string[] = guess.missing;
  if (options.kind === "customers") {
    const mapped = new Set(Object.values(fields));
    mapping.attributes = columns
      .filter((c) => !mapped.has(c.name))
      .map((c): AttributeMapping => {
        const detected = c.type === "date" ? dateFormats[c.name] : undefined;
        if (detected && detected.status !== "ok" && detected.status !== "none") {
          notices.push({
            code: "date-format",
            column: c.name,
            message: `Column "${c.name}": ${detected.message}.`,
          });
        }
        const attribute: AttributeMapping = detected?.format
          ? { source: c.name, type: c.type, dateFormat: detected.format }
          : { source: c.name, type: c.type };
        if (isPersonalHeader(c.name)) attribute.isPersonal = true;
        return attribute;
      });
    if (fields.externalId === undefined) {
      // Files such as the UCI wholesale customers have no id at all: number the rows rather than
      // refuse the file, and say so where the user confirms the mapping.
      mapping.isIdFromLine = true;
      missingFields = missingFields.filter((f) => f !== "externalId");
      notices.push({
        code: "generated-ids",
        message:
          'No column looks like a customer id, so each customer gets the id "row-<line>" (row-2 for the first data row). Importing the same file again updates the same customers. If the file has an id column, choose it as the customer id.',
      });
    }
  }
  if (isDecimalComma) mapping.decimalSeparator = ",";
  if (encoding && encoding !== "utf-8") mapping.encoding = encoding;
  if (delimiter) mapping.delimiter = delimiter;
  if (options.sheet) mapping.sheet = options.sheet;
  return {
    format: options.format,
    encoding,
    delimiter,
    sheetNames,
    header,
    rows: records.slice(0, PREVIEW_ROWS).map((r) => ({ line: r.line, fields: r.fields })),
    sampleSize: records.length,
    columns,
    fields: fieldsFor(options.kind),
    mapping,
    missingFields,
    dateDetection,
    dateFormats,
    notices,
  };
}

async function readAll(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(path)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A BOM decides; else UTF-8 if the first bytes are valid UTF-8, else Windows-1252 (Excel's default). */
async function guessEncoding(path: string): Promise<TextEncoding> {
  const stream = createReadStream(path, { end: SAMPLE_BYTES - 1 });
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  const head = Buffer.concat(parts);
  const sniffed = sniffFile(head.subarray(0, 8192));
  if (sniffed.encoding) return sniffed.encoding;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** Numbers written 12,5 (and none written 12.5) anywhere in the sample mean a decimal comma. */
function hasDecimalComma(records: CsvRecord[]): boolean {
  let comma = 0;
  for (const r of records) {
    for (const f of r.fields) {
      const v = f.trim();
      if (/^[+-]?\d+,\d+$/.test(v)) comma++;
      else if (/^[+-]?\d+\.\d+$/.test(v)) return false;
    }
  }
  return comma > 0;
}
