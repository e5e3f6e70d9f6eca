import {
  CsvParser,
  type CsvRecord,
  parseXlsx,
  sniffFile,
  TextChunkDecoder,
  type TextEncoding,
} from "@strata/core";
import { AppError } from "../../errors.js";

export type FileFormat = "csv" | "xlsx";

export interface ReadOptions {
  format: FileFormat;
  delimiter?: string;
  encoding?: TextEncoding;
  sheet?: string;
}

/** A batch of parsed records and how many bytes of the file have been consumed so far. */
export interface RecordBatch {
  records: CsvRecord[];
  bytesRead: number;
  /** The CSV delimiter in use (auto-detected unless given). */
  delimiter?: string;
}

/**
 * Tells CSV from XLSX by the first bytes (pass at least 8 KB); an empty, binary or old .xls file is
 * a clear error for the user.
 */
export function sniffFormat(head: Uint8Array, fileName = ""): FileFormat {
  const sniff = sniffFile(head);
  if (sniff.format === "xlsx") return "xlsx";
  if (sniff.format === "text") return "csv";
  const name = fileName ? `"${fileName}": ` : "";
  throw new AppError(
    "BAD_REQUEST",
    `${name}${capitalize(sniff.reason ?? "the file cannot be read as a table")}.`,
    "file",
  );
}

/**
 * Streams a file's records. CSV is decoded chunk by chunk (invalid text is a clear error naming the
 * line) and parsed with the core's streaming parser, so memory stays bounded by the longest record;
 * XLSX is a zip that must be read whole (the upload size limit bounds it).
 */
export async function* readRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<RecordBatch> {
  if (options.format === "xlsx") {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      parts.push(chunk);
      size += chunk.length;
    }
    const parsed = parseXlsx(Buffer.concat(parts, size), options.sheet ? { sheet: options.sheet } : {});
    if (parsed.header.length === 0) return;
    // Hand the header back as the first record, as a CSV would.
    const records = [{ line: (parsed.records[0]?.line ?? 2) - 1, fields: parsed.header }, ...parsed.records];
    const step = 5000;
    for (let i = 0; i < records.length; i += step) {
      const end = Math.min(records.length, i + step);
      yield { records: records.slice(i, end), bytesRead: Math.round((size * end) / records.length) };
    }
    return;
  }
  const decoder = new TextChunkDecoder(options.encoding);
  const parser = new CsvParser(options.delimiter ? { delimiter: options.delimiter } : {});
  let bytesRead = 0;
  for await (const chunk of chunks) {
    bytesRead += chunk.length;
    const records = parser.push(decoder.push(chunk));
    if (records.length > 0) yield { records, bytesRead, delimiter: parser.delimiter ?? "," };
  }
  const tail = parser.push(decoder.end());
  for (const r of parser.end()) tail.push(r);
  if (tail.length > 0) yield { records: tail, bytesRead, delimiter: parser.delimiter ?? "," };
}

/** Makes header names usable as keys: trimmed, blanks get `column_<n>`, repeats get `_2`, `_3`. */
export function cleanHeader(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    let name = base;
    for (let k = 2; seen.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
