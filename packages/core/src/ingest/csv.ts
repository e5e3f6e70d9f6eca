import { CoreInputError } from "../errors.js";
import { IngestError } from "./errors.js";

/** One parsed record: `line` is the 1-based physical line where the record starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvParserOptions {
  /** A single character; auto-detected among `,` `;` tab `|` when not given. */
  delimiter?: string;
  /**
   * Longest record accepted, in characters (default 1,048,576). Keeps memory bounded when a
   * quote is never closed: the parser stops at this size instead of reading the rest of the
   * file into one field.
   */
  maxRecordLength?: number;
  /**
   * Most fields in one record (default 16,384, as many columns as a worksheet has): a line of a
   * million delimiters would otherwise become a header of a million columns.
   */
  maxFields?: number;
  /** Longest field, in characters (default 32,767, the most an Excel cell holds). */
  maxFieldLength?: number;
}

const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
const DEFAULT_MAX_FIELDS = 16_384;
const DEFAULT_MAX_FIELD_LENGTH = 32_767;

/** Delimiters tried by auto-detection, in order of preference when they score the same. */
export const CSV_DELIMITERS: readonly string[] = [",", ";", "\t", "|"];

const QUOTE = 34; // "
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/** How much text auto-detection wants to see before it decides (unless the input ends first). */
const DETECT_MIN_LINES = 10;
const DETECT_MAX_CHARS = 64 * 1024;

// Parser states. A field that started with a quote is QUOTED until its closing quote, after
// which AFTER_QUOTE decides between an escaped quote (""), the end of the field, or text.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3;

/**
 * Streaming RFC 4180 CSV parser. Feed decoded text in chunks of any size (a chunk may end in
 * the middle of a quoted field, an escaped quote or a CRLF); each `push` returns the records
 * completed so far and `end` returns the last one. Memory is bounded by the longest record,
 * never by the file.
 *
 * Lenient where real files are messy and nothing is lost: a quote inside an unquoted field is
 * kept as text, text after a closing quote is appended, blank lines are skipped (their line
 * numbers still count). Strict where guessing would lose data: an unterminated quote throws.
 */
export class CsvParser {
  /** The delimiter in use; undefined until auto-detection has seen enough of the input. */
  delimiter: string | undefined;

  private delimiterCode = -1;
  /** Text held back until the delimiter is detected (only before detection). */
  private pending = "";
  private isStarted = false;
  private isEnded = false;

  private state = FIELD_START;
  private fields: string[] = [];
  private field = "";
  private isFieldQuoted = false;
  /** A record ended with CR: an LF right after it belongs to the same line break. */
  private skipLf = false;
  /** Inside quoted text, the previous character was CR (so a following LF is not a new line). */
  private prevWasCr = false;
  /** Physical line the scanner is on (1-based). */
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private readonly maxRecordLength: number;
  private readonly maxFields: number;
  private readonly maxFieldLength: number;

  constructor(options: CsvParserOptions = {}) {
    this.maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
    this.maxFields = options.maxFields ?? DEFAULT_MAX_FIELDS;
    this.maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
    if (options.delimiter !== undefined) {
      const d = options.delimiter === "\\t" ? "\t" : options.delimiter;
      if (d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
        throw new CoreInputError(
          `the CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(options.delimiter)}`,
          { field: "delimiter" },
        );
      }
      this.delimiter = d;
      this.delimiterCode = d.charCodeAt(0);
    }
  }

  /** Parses the next piece of text; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    if (this.isEnded) throw new Error("CsvParser.push called after end()");
    const out: CsvRecord[] = [];
    if (chunk.length === 0) return out;
    if (this.delimiterCode < 0) {
      this.pending += chunk;
      if (!hasEnoughToDetect(this.pending)) return out;
      const text = this.pending;
      this.pending = "";
      this.detect(text);
      this.scan(this.stripBom(text), out);
      this.checkRecordLength();
      return out;
    }
    this.scan(this.isStarted ? chunk : this.stripBom(chunk), out);
    this.checkRecordLength();
    return out;
  }

  /** The unfinished record must stay under the limits (checked once per chunk: cheap). */
  private checkRecordLength(): void {
    if (this.field.length > this.maxFieldLength) this.fieldTooLong();
    let length = this.field.length;
    if (length <= this.maxRecordLength && this.fields.length === 0) return;
    for (const f of this.fields) length += f.length + 1;
    if (length <= this.maxRecordLength) return;
    const cause = this.unclosedQuote();
    throw new IngestError(
      `line ${this.recordLine}: the record is longer than ${this.maxRecordLength} characters${cause}`,
      { line: this.state === QUOTED ? this.quoteLine : this.recordLine, column: this.fields.length },
    );
  }

  /** Signals the end of the input; returns the final record, if any. */
  end(): CsvRecord[] {
    if (this.isEnded) return [];
    const out: CsvRecord[] = [];
    if (this.delimiterCode < 0) {
      const text = this.pending;
      this.pending = "";
      this.detect(text);
      if (text.length > 0) this.scan(this.stripBom(text), out);
    }
    this.isEnded = true;
    if (this.state === QUOTED) {
      throw new IngestError(
        `line ${this.quoteLine}: a quoted field is never closed (the quote opened on line ${this.quoteLine} is still open at the end of the file)`,
        { line: this.quoteLine, column: this.fields.length },
      );
    }
    this.endRecord(out);
    return out;
  }

  private stripBom(text: string): string {
    this.isStarted = true;
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }

  private detect(text: string): void {
    const d = detectDelimiter(text.charCodeAt(0) === BOM ? text.slice(1) : text);
    this.delimiter = d;
    this.delimiterCode = d.charCodeAt(0);
  }

  /** Why a record grew too long, when the likely reason is a quote left open. */
  private unclosedQuote(): string {
    return this.state === QUOTED
      ? `; the quote opened on line ${this.quoteLine} is probably never closed`
      : "";
  }

  private fieldTooLong(): never {
    const column = this.fields.length;
    throw new IngestError(
      `line ${this.recordLine}: field ${column + 1} is longer than ${this.maxFieldLength} characters, the most a field may hold${this.unclosedQuote()}`,
      { line: this.state === QUOTED ? this.quoteLine : this.recordLine, column },
    );
  }

  private endField(): void {
    if (this.field.length > this.maxFieldLength) this.fieldTooLong();
    if (this.fields.length >= this.maxFields) {
      throw new IngestError(
        `line ${this.recordLine}: the record has more than ${this.maxFields} fields, the most a record may have`,
        { line: this.recordLine, column: this.maxFields },
      );
    }
    this.fields.push(this.field);
    this.field = "";
    this.isFieldQuoted = false;
  }

  /** Ends the record at a line break (or end of input); blank lines produce nothing. */
  private endRecord(out: CsvRecord[]): void {
    const isBlank = this.fields.length === 0 && this.field.length === 0 && !this.isFieldQuoted;
    if (!isBlank) {
      this.endField();
      out.push({ line: this.recordLine, fields: this.fields });
      this.fields = [];
    }
    this.state = FIELD_START;
  }

  private scan(s: string, out: CsvRecord[]): void {
    const n = s.length;
    const delim = this.delimiterCode;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      const state = this.state;
      if (state === FIELD_START || state === UNQUOTED) {
        if (state === FIELD_START && s.charCodeAt(i) === QUOTE) {
          if (this.fields.length === 0 && this.field.length === 0) this.recordLine = this.line;
          this.state = QUOTED;
          this.isFieldQuoted = true;
          this.quoteLine = this.line;
          this.prevWasCr = false;
          i++;
          continue;
        }
        if (state === FIELD_START && this.fields.length === 0) this.recordLine = this.line;
        // Unquoted text runs to the next delimiter or line break.
        let j = i;
        let c = 0;
        while (j < n) {
          c = s.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          j++;
        }
        if (j > i) this.field = this.field.length === 0 ? s.slice(i, j) : this.field + s.slice(i, j);
        if (j === n) {
          this.state = UNQUOTED;
          return;
        }
        if (c === delim) {
          this.endField();
          this.state = FIELD_START;
          i = j + 1;
          continue;
        }
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        i = j + 1;
        if (c === CR) {
          if (i === n) {
            this.skipLf = true;
            return;
          }
          if (s.charCodeAt(i) === LF) i++;
        }
        continue;
      }
      if (state === QUOTED) {
        const j = s.indexOf('"', i);
        const stop = j < 0 ? n : j;
        this.countLines(s, i, stop);
        if (stop > i) this.field += s.slice(i, stop);
        if (j < 0) return;
        this.state = AFTER_QUOTE;
        i = j + 1;
        continue;
      }
      // AFTER_QUOTE
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        // An escaped quote: "" inside a quoted field.
        this.field += '"';
        this.state = QUOTED;
        this.prevWasCr = false;
        i++;
      } else if (c === delim) {
        this.endField();
        this.state = FIELD_START;
        i++;
      } else if (c === LF || c === CR) {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        i++;
        if (c === CR) {
          if (i === n) {
            this.skipLf = true;
            return;
          }
          if (s.charCodeAt(i) === LF) i++;
        }
      } else {
        // Text after a closing quote ("a"b): keep it rather than drop it.
        this.state = UNQUOTED;
      }
    }
  }

  /** Counts line breaks (LF, CR, CRLF as one) inside quoted text from..to. */
  private countLines(s: string, from: number, to: number): void {
    let prevCr = this.prevWasCr;
    let line = this.line;
    for (let k = from; k < to; k++) {
      const c = s.charCodeAt(k);
      if (c === CR) {
        line++;
        prevCr = true;
      } else {
        if (c === LF && !prevCr) line++;
        prevCr = false;
      }
    }
    if (to > from) this.prevWasCr = prevCr;
    this.line = line;
  }
}

function hasEnoughToDetect(text: string): boolean {
  if (text.length >= DETECT_MAX_CHARS) return true;
  let lines = 0;
  let at = text.indexOf("\n");
  while (at >= 0) {
    if (++lines >= DETECT_MIN_LINES) return true;
    at = text.indexOf("\n", at + 1);
  }
  return false;
}

/**
 * Picks the delimiter among `,` `;` tab `|` from a sample of the text: the candidate that
 * appears (outside quotes) in the first line and the same number of times in most of the
 * following complete lines; ties go to the earlier candidate. A single-column file gets `,`.
 */
export function detectDelimiter(sample: string): string {
  const candidates = CSV_DELIMITERS.map((d) => d.charCodeAt(0));
  const lines: number[][] = [];
  let counts = candidates.map(() => 0);
  let inQuote = false;
  let hasText = false;
  const n = Math.min(sample.length, DETECT_MAX_CHARS);
  for (let i = 0; i < n && lines.length < 50; i++) {
    const c = sample.charCodeAt(i);
    if (c === QUOTE) {
      inQuote = !inQuote;
      hasText = true;
    } else if (!inQuote && (c === LF || c === CR)) {
      if (hasText) lines.push(counts);
      counts = candidates.map(() => 0);
      hasText = false;
    } else {
      hasText = true;
      if (!inQuote) {
        for (let k = 0; k < candidates.length; k++) if (c === candidates[k]) counts[k]!++;
      }
    }
  }
  // The last line counts only if the sample holds the whole input (it is then complete).
  if (hasText && !inQuote && (n === sample.length || lines.length === 0)) lines.push(counts);
  const first = lines[0];
  if (first === undefined) return ",";
  let best = -1;
  let bestScore = -1;
  for (let k = 0; k < candidates.length; k++) {
    const inHeader = first[k]!;
    if (inHeader === 0) continue;
    let agreeing = 0;
    for (const line of lines) if (line[k] === inHeader) agreeing++;
    // Consistency first (share of lines with the header's count), then how many columns.
    const score = (agreeing / lines.length) * 1e6 + Math.min(inHeader, 1e5);
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best < 0 ? "," : CSV_DELIMITERS[best]!;
}

export interface ParseCsvOptions extends CsvParserOptions {
  /** Whether the first record is a header (default true). */
  header?: boolean;
}

export interface ParsedCsv {
  delimiter: string;
  /** The first record's fields, trimmed (empty when `header: false` or the text is empty). */
  header: string[];
  records: CsvRecord[];
}

/** Parses a whole CSV text at once (small files, tests); large files should use CsvParser. */
export function parseCsv(text: string, options: ParseCsvOptions = {}): ParsedCsv {
  const parser = new CsvParser(options);
  const records = parser.push(text);
  for (const r of parser.end()) records.push(r);
  const delimiter = parser.delimiter ?? ",";
  if (options.header === false) return { delimiter, header: [], records };
  const first = records.shift();
  return { delimiter, header: first ? first.fields.map((f) => f.trim()) : [], records };
}
