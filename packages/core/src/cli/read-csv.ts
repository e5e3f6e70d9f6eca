import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { CoreInputError } from "../errors.js";
import { CsvParser, type CsvRecord } from "../ingest/csv.js";
import { parseNumber } from "../preprocess/table.js";
import { CliError } from "./cli-error.js";

export interface CsvHeader {
  readonly columns: string[];
  readonly line: number;
}

/**
 * Streams a CSV file (gzip when the name ends in .gz) record by record: `onHeader` gets the
 * first record, `onRecord` every later one after its width is checked against the header.
 * Every error names the file and the line; a record of the wrong width is a ragged row.
 */
export async function streamCsv(
  file: string,
  onHeader: (header: CsvHeader) => void,
  onRecord: (record: CsvRecord) => void,
): Promise<{ records: number }> {
  await fileSize(file);
  const raw = createReadStream(file);
  const stream = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding("utf8");
  const parser = new CsvParser();
  let header: CsvHeader | undefined;
  let records = 0;
  const handle = (batch: CsvRecord[]): void => {
    for (const record of batch) {
      if (!header) {
        header = checkHeader(file, record);
        onHeader(header);
        continue;
      }
      if (record.fields.length !== header.columns.length) {
        throw raggedRow(file, record.line, record.fields.length, header.columns.length);
      }
      records++;
      onRecord(record);
    }
  };
  try {
    for await (const chunk of stream) handle(parser.push(chunk as string));
    handle(parser.end());
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof CoreInputError) throw new CliError(`${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the file (${code ?? (error as Error).message})`);
  }
  if (!header) throw new CliError(`${file}: the file is empty (no header line)`);
  if (records === 0) throw new CliError(`${file}: no data rows after the header on line ${header.line}`);
  return { records };
}

/** What `readNumericCsv` hands back: the header, the chosen columns' values, row-major. */
export interface NumericCsv {
  readonly header: CsvHeader;
  /** Header positions of the columns read, in the order `choose` gave them. */
  readonly columns: number[];
  /** n x columns.length, row-major; an empty cell is NaN. */
  readonly data: Float64Array;
  readonly n: number;
  /** Per column read: every row's cell has the same text (trimmed) as the first row's. */
  readonly isConstant: boolean[];
  /**
   * Per column read, the first cell that is neither empty nor a finite number (its line and
   * text), or undefined. Left to the caller to report, which may leave the column out first.
   */
  readonly firstBad: Array<{ line: number; text: string } | undefined>;
}

export interface NumericCsvOptions {
  /** Data rows read as text and handed to `choose` (at least 1). */
  readonly sampleRows: number;
  /** Picks the header positions to read from the header and the first data rows' text. */
  readonly choose: (header: CsvHeader, sample: ReadonlyArray<CsvRecord>) => number[];
  /** Bytes per read (default 4 MiB). */
  readonly chunkBytes?: number;
}

const LF_BYTE = 10;
const CR_BYTE = 13;
const QUOTE_BYTE = 34;
const MINUS_BYTE = 45;
const DOT_BYTE = 46;
const ZERO_BYTE = 48;
/** Past these, the general parser decides (and reports the limit exceeded): see CsvParser. */
const MAX_FIELD_CHARS = 32_767;
const MAX_RECORD_CHARS = 1 << 20;
const MAX_FIELDS = 16_384;
/** The header and sample must end within this many bytes. */
const MAX_PREFIX_BYTES = 1 << 26;
/** 10^0 .. 10^22, every one exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, e) => 10 ** e);
/** Signals that the file needs the general parser (a quote, a lone CR, a limit reached). */
const GIVE_UP = -1;

/**
 * Reads the numeric columns of a large, plain CSV (no quotes) straight from its bytes into one
 * Float64Array: no string per cell, no array per row. The header and the first `sampleRows` rows
 * go through CsvParser as text (delimiter detection, header checks, `choose`); the rest is split
 * on the detected delimiter byte and each chosen cell parsed in place, falling back to
 * parseNumber on the cell's text for anything but a plain decimal.
 *
 * Returns undefined, having changed nothing, when the file needs the general parser: it holds a
 * quote, a lone CR, a field or record over CsvParser's limits, or no more than `sampleRows`
 * rows (small files read fast enough as text). The caller then reads it with `streamCsv`; both
 * ways give the same values, and the same errors naming the file and line.
 */
export async function readNumericCsv(
  file: string,
  options: NumericCsvOptions,
): Promise<NumericCsv | undefined> {
  const size = await fileSize(file);
  const chunkBytes = options.chunkBytes ?? 1 << 22;
  const isGzip = file.endsWith(".gz");
  const reader = new NumericReader(file, options, isGzip ? undefined : size);
  try {
    return isGzip ? await readGzip(file, reader, chunkBytes) : await readPlain(file, reader, chunkBytes);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof CoreInputError) throw new CliError(`${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the file (${code ?? (error as Error).message})`);
  }
}

/**
 * Reads into one reused buffer: the unfinished record at the end of a read moves to the front
 * and the next read fills in after it (no allocation, no concatenation per chunk).
 */
async function readPlain(
  file: string,
  reader: NumericReader,
  chunkBytes: number,
): Promise<NumericCsv | undefined> {
  const handle = await open(file, "r");
  try {
    let work = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    for (;;) {
      if (filled === work.length) {
        if (work.length >= MAX_PREFIX_BYTES) return undefined;
        const grown = Buffer.allocUnsafe(2 * work.length);
        work.copy(grown, 0, 0, filled);
        work = grown;
      }
      const { bytesRead } = await handle.read(work, filled, work.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      const consumed = reader.consume(work.subarray(0, filled), false);
      if (consumed === GIVE_UP) return undefined;
      work.copyWithin(0, consumed, filled);
      filled -= consumed;
    }
    return reader.end(work.subarray(0, filled));
  } finally {
    await handle.close();
  }
}

async function readGzip(
  file: string,
  reader: NumericReader,
  chunkBytes: number,
): Promise<NumericCsv | undefined> {
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  const source = raw.pipe(createGunzip({ chunkSize: 1 << 20 }));
  let carry = Buffer.alloc(0);
  try {
    for await (const chunk of source) {
      const bytes = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
      const consumed = reader.consume(bytes, false);
      if (consumed === GIVE_UP || (consumed === 0 && bytes.length > MAX_PREFIX_BYTES)) return undefined;
      carry = Buffer.from(bytes.subarray(consumed));
    }
    return reader.end(carry);
  } finally {
    raw.destroy();
    source.destroy();
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file}: not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

/** Header checks shared by every reader: each column named, no name twice. */
function checkHeader(file: string, record: CsvRecord): CsvHeader {
  const header = { columns: record.fields.map((f) => f.trim()), line: record.line };
  const seen = new Set<string>();
  header.columns.forEach((name, j) => {
    if (name === "")
      throw new CliError(`${file}, line ${record.line}: column ${j + 1} of the header has no name`);
    if (seen.has(name))
      throw new CliError(`${file}, line ${record.line}: column "${name}" appears twice in the header`);
    seen.add(name);
  });
  return header;
}

function raggedRow(file: string, line: number, fields: number, width: number): CliError {
  return new CliError(`${file}, line ${line}: ragged row with ${fields} fields, the header has ${width}`);
}

class NumericReader {
  /** Bytes seen before the sample was complete (the prefix phase). */
  private prefixBytes = 0;
  private isSampled = false;
  private header: CsvHeader | undefined;
  private columns: number[] = [];
  /** Slot of each header position among the chosen columns, -1 when not read. */
  private slotOf = new Int32Array(0);
  private width = 0;
  private delimiter = 44;
  private data = new Float64Array(0);
  private n = 0;
  /** Physical line the next record starts on. */
  private line = 1;
  private isConstant: boolean[] = [];
  private firstText: string[] = [];
  private firstBad: Array<{ line: number; text: string } | undefined> = [];
  private constantLeft = 0;

  constructor(
    private readonly file: string,
    private readonly options: NumericCsvOptions,
    private readonly size: number | undefined,
  ) {}

  /**
   * Reads the complete records at the start of bytes; returns how many bytes it used (the rest,
   * an unfinished record or a sample not complete yet, comes back with more) or GIVE_UP.
   */
  consume(bytes: Buffer, isLast: boolean): number {
    let offset = 0;
    if (!this.isSampled) {
      const cut = this.sampleEnd(bytes);
      if (cut === GIVE_UP || cut === 0) return cut;
      this.prefixBytes = cut;
      if (!this.readSample(bytes.toString("utf8", 0, cut))) return GIVE_UP;
      offset = cut;
    }
    const consumed = this.scan(offset === 0 ? bytes : bytes.subarray(offset), isLast);
    return consumed === GIVE_UP ? GIVE_UP : offset + consumed;
  }

  /** The last bytes of the file; undefined when the general parser is needed. */
  end(rest: Buffer): NumericCsv | undefined {
    // A file no longer than the sample is read as text by the caller.
    if (!this.isSampled) return undefined;
    if (rest.length > 0 && this.scan(rest, true) === GIVE_UP) return undefined;
    if (this.n <= this.options.sampleRows) return undefined;
    const d = this.columns.length;
    const used = this.n * d;
    // The room was sized from the file (about 5% over): a view over it rather than a copy,
    // unless much of it is unused.
    const data =
      this.data.length === used
        ? this.data
        : used >= 0.8 * this.data.length
          ? this.data.subarray(0, used)
          : this.data.slice(0, used);
    return {
      header: this.header!,
      columns: this.columns,
      data,
      n: this.n,
      isConstant: this.isConstant,
      firstBad: this.firstBad,
    };
  }

  /**
   * Where the header and the sample's rows end (after the line break of the last), 0 when the
   * bytes do not hold them yet, GIVE_UP when they hold a quote or a lone CR.
   */
  private sampleEnd(bytes: Buffer): number {
    const wanted = this.options.sampleRows + 1;
    let lines = 0;
    let lineStart = 0;
    for (let at = bytes.indexOf(LF_BYTE); at >= 0; at = bytes.indexOf(LF_BYTE, at + 1)) {
      const contentEnd = at > lineStart && bytes[at - 1] === CR_BYTE ? at - 1 : at;
      if (contentEnd > lineStart) lines++;
      lineStart = at + 1;
      if (lines === wanted) {
        const quote = bytes.indexOf(QUOTE_BYTE);
        if (quote >= 0 && quote < lineStart) return GIVE_UP;
        const cr = bytes.indexOf(CR_BYTE);
        for (let c = cr; c >= 0 && c < lineStart; c = bytes.indexOf(CR_BYTE, c + 1)) {
          if (bytes[c + 1] !== LF_BYTE) return GIVE_UP;
        }
        return lineStart;
      }
    }
    return 0;
  }

  /** Parses the header and the sample as text; false when the file needs the general parser. */
  private readSample(text: string): boolean {
    const parser = new CsvParser();
    const records = [...parser.push(text), ...parser.end()];
    const wanted = this.options.sampleRows + 1;
    const delimiter = parser.delimiter;
    if (records.length !== wanted || delimiter === undefined || delimiter.charCodeAt(0) > 127) return false;
    const header = checkHeader(this.file, records[0]!);
    this.header = header;
    this.width = header.columns.length;
    const sample = records.slice(1);
    for (const record of sample) {
      if (record.fields.length !== this.width) {
        throw raggedRow(this.file, record.line, record.fields.length, this.width);
      }
    }
    this.columns = this.options.choose(header, sample);
    const d = this.columns.length;
    this.slotOf = new Int32Array(this.width).fill(-1);
    this.columns.forEach((j, c) => {
      this.slotOf[j] = c;
    });
    this.delimiter = delimiter.charCodeAt(0);
    this.firstText = this.columns.map((j) => sample[0]!.fields[j]!.trim());
    this.isConstant = this.columns.map(() => true);
    this.constantLeft = d;
    this.firstBad = this.columns.map(() => undefined);
    // Room for the whole file at the sample's bytes per row, plus a margin; grown if short.
    const rowBytes = this.prefixBytesPerRow(text.length);
    const estimate = this.size === undefined ? 1 << 16 : Math.ceil((1.05 * this.size) / rowBytes) + 16;
    this.data = new Float64Array(Math.max(estimate, wanted) * d);
    for (const record of sample) {
      const row = this.n++;
      for (let c = 0; c < d; c++) this.textCell(row, c, record.fields[this.columns[c]!]!, record.line);
    }
    this.line = records[records.length - 1]!.line + 1;
    this.isSampled = true;
    return true;
  }

  private prefixBytesPerRow(chars: number): number {
    return Math.max(1, Math.max(chars, this.prefixBytes) / (this.options.sampleRows + 1));
  }

  /** A cell read as text: as the general path reads it (empty is missing, else parseNumber). */
  private textCell(row: number, c: number, text: string, line: number): void {
    const d = this.columns.length;
    if (this.isConstant[c] && text.trim() !== this.firstText[c]) {
      this.isConstant[c] = false;
      this.constantLeft--;
    }
    if (text.trim() === "") {
      this.data[row * d + c] = Number.NaN;
      return;
    }
    const value = parseNumber(text);
    if (!Number.isFinite(value) && this.firstBad[c] === undefined) this.firstBad[c] = { line, text };
    this.data[row * d + c] = value;
  }

  private grow(): void {
    const grown = new Float64Array(Math.max(16, this.data.length * 2));
    grown.set(this.data);
    this.data = grown;
  }

  /**
   * Reads the complete records of bytes into the matrix; returns how many bytes it consumed
   * (the rest is an unfinished record, kept for the next chunk) or GIVE_UP. With `isLast` the
   * bytes end the file, so a record without a line break ends there.
   */
  private scan(bytes: Buffer, isLast: boolean): number {
    const { delimiter, slotOf, width } = this;
    const d = this.columns.length;
    const end = bytes.length;
    let data = this.data;
    let p = 0;
    while (p < end) {
      const row = this.n;
      if ((row + 1) * d > data.length) {
        this.grow();
        data = this.data;
      }
      const base = row * d;
      let field = 0;
      let i = p;
      let c = 0;
      for (;;) {
        const s = i;
        const slot = field < width ? slotOf[field]! : -1;
        // A chosen cell is parsed as it is scanned (one pass): a plain decimal -?digits[.digits]
        // of at most 15 digits is an integer below 2^53 over an exact 10^f, and one division
        // rounds it once, to the double Number() gives (Clinger's fast path). Anything else is
        // read as text below.
        let mantissa = 0;
        let digits = 0;
        let fraction = -1;
        let isPlain = true;
        if (slot >= 0) {
          const isNegative = i < end && bytes[i] === MINUS_BYTE;
          if (isNegative) i++;
          while (i < end) {
            c = bytes[i]!;
            const digit = c - ZERO_BYTE;
            if (digit >= 0 && digit <= 9) {
              mantissa = mantissa * 10 + digit;
              digits++;
              if (fraction >= 0) fraction++;
            } else if (c === DOT_BYTE && fraction < 0) {
              fraction = 0;
            } else if (c === delimiter || c === LF_BYTE || c === CR_BYTE || c === QUOTE_BYTE) {
              break;
            } else {
              isPlain = false;
            }
            i++;
          }
          if (isNegative) mantissa = -mantissa;
        } else {
          while (i < end) {
            c = bytes[i]!;
            if (c === delimiter || c === LF_BYTE || c === CR_BYTE || c === QUOTE_BYTE) break;
            i++;
          }
        }
        if (i === end) {
          if (!isLast) return p;
          c = LF_BYTE;
        } else if (c === QUOTE_BYTE) return GIVE_UP;
        if (i - s > MAX_FIELD_CHARS || i - p > MAX_RECORD_CHARS || field >= MAX_FIELDS) return GIVE_UP;
        if (slot >= 0) {
          if (isPlain && digits > 0 && digits <= 15) {
            data[base + slot] = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
          } else {
            data[base + slot] = this.textValue(slot, bytes.toString("utf8", s, i));
          }
          if (this.constantLeft > 0) this.checkConstant(slot, bytes.toString("utf8", s, i));
        }
        field++;
        if (c === delimiter) {
          i++;
          continue;
        }
        break;
      }
      // The record ends at i (a line break, or the end of the file).
      let next = i + 1;
      if (c === CR_BYTE) {
        if (next === end) {
          if (!isLast) return p;
        } else if (bytes[next] !== LF_BYTE) return GIVE_UP;
        else next++;
      }
      const isBlank = field === 1 && i === p;
      if (!isBlank) {
        if (field !== width) throw raggedRow(this.file, this.line, field, width);
        this.n++;
      }
      this.line++;
      p = next;
    }
    return end;
  }

  /** A cell that is not a plain decimal: empty is missing, else parseNumber (as the text path). */
  private textValue(slot: number, text: string): number {
    if (text.trim() === "") return Number.NaN;
    const value = parseNumber(text);
    if (!Number.isFinite(value) && this.firstBad[slot] === undefined) {
      this.firstBad[slot] = { line: this.line, text };
    }
    return value;
  }

  private checkConstant(slot: number, text: string): void {
    if (this.isConstant[slot] && text.trim() !== this.firstText[slot]) {
      this.isConstant[slot] = false;
      this.constantLeft--;
    }
  }
}
