import { IngestError } from "./errors.js";

/** What the first bytes of an uploaded file say it is. */
export type FileFormat = "empty" | "text" | "xlsx" | "xls" | "binary";

export interface SniffResult {
  format: FileFormat;
  /** Text encoding found from a byte order mark (text files only). */
  encoding?: TextEncoding;
  /** Why the file is not readable as a table (binary files), for the user. */
  reason?: string;
}

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

const SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: "a PDF document" },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: "a PNG image" },
  { bytes: [0xff, 0xd8, 0xff], what: "a JPEG image" },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: "a GIF image" },
  { bytes: [0x1f, 0x8b], what: "a gzip archive (unpack it first)" },
  { bytes: [0x42, 0x5a, 0x68], what: "a bzip2 archive (unpack it first)" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: "a 7-Zip archive (unpack it first)" },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: "a RAR archive (unpack it first)" },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: "a Parquet file (export it as CSV)" },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: "an SQLite database (export a table as CSV)" },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: "a program (ELF executable)" },
  { bytes: [0x4d, 0x5a], what: "a Windows program" },
];

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

/**
 * Says what an uploaded file is from its first bytes (pass at least the first 8 KB): a text
 * table (with its encoding when a byte order mark tells), an .xlsx or old .xls workbook, or
 * some other binary file — with a reason a user understands.
 */
export function sniffFile(head: Uint8Array): SniffResult {
  if (head.length === 0) return { format: "empty", reason: "the file is empty" };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { format: "xlsx" };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) {
    return {
      format: "xls",
      reason: "this is an old-style Excel .xls file; save it as .xlsx or CSV and upload that",
    };
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { format: "text", encoding: "utf-8" };
  if (startsWith(head, [0xff, 0xfe])) return { format: "text", encoding: "utf-16le" };
  if (startsWith(head, [0xfe, 0xff])) return { format: "text", encoding: "utf-16be" };
  const reason = detectBinary(head);
  if (reason !== undefined) return { format: "binary", reason };
  return { format: "text" };
}

/**
 * Returns why the bytes are not a text file (a known file signature, or NUL and control bytes
 * that text never holds), or undefined when they look like text. Looks at the first 8 KB.
 */
export function detectBinary(head: Uint8Array): string | undefined {
  for (const s of SIGNATURES) if (startsWith(head, s.bytes)) return `the file is ${s.what}, not a CSV table`;
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) {
      return `the file is binary, not a CSV table (it holds a NUL byte at byte offset ${i})`;
    }
    // Tab, LF, CR, form feed and ESC appear in text; other C0 controls hardly ever do.
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  if (n > 0 && control / n > 0.01) {
    return `the file is binary, not a CSV table (${control} control bytes in its first ${n} bytes)`;
  }
  return undefined;
}

/**
 * Streaming decoder from bytes to text that refuses to guess: invalid UTF-8 throws an
 * IngestError naming the byte offset and the line (so nothing is silently replaced with
 * U+FFFD). A UTF-8 byte order mark is removed. Other encodings are decoded when asked for
 * (or found from a UTF-16 byte order mark).
 */
export class TextChunkDecoder {
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private encoding: TextEncoding | undefined;
  /** Bytes consumed before the current chunk. */
  private offset = 0;
  /** Line breaks (LF) seen before the current chunk. */
  private lines = 0;

  constructor(encoding?: TextEncoding) {
    this.encoding = encoding;
  }

  /** Decodes the next chunk of bytes; returns the text completed so far. */
  push(bytes: Uint8Array): string {
    if (!this.decoder) this.decoder = this.createDecoder(bytes);
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      throw this.invalidAt(bytes);
    }
    this.count(bytes);
    return text;
  }

  /** Flushes the decoder; an incomplete character at the end is an error. */
  end(): string {
    if (!this.decoder) return "";
    try {
      return this.decoder.decode();
    } catch {
      throw new IngestError(
        `the file is not valid UTF-8: it ends in the middle of a character (byte offset ${this.offset}, line ${this.lines + 1}); save it as UTF-8`,
        { line: this.lines + 1 },
      );
    }
  }

  private createDecoder(first: Uint8Array): InstanceType<typeof TextDecoder> {
    if (!this.encoding) {
      if (startsWith(first, [0xff, 0xfe])) this.encoding = "utf-16le";
      else if (startsWith(first, [0xfe, 0xff])) this.encoding = "utf-16be";
      else this.encoding = "utf-8";
    }
    return new TextDecoder(this.encoding, { fatal: true });
  }

  private count(bytes: Uint8Array): void {
    // Only UTF-8 and single-byte encodings have LF as a lone byte; UTF-16 lines are not counted.
    if (this.encoding === "utf-8" || this.encoding === "windows-1252") {
      let at = bytes.indexOf(10);
      while (at >= 0) {
        this.lines++;
        at = bytes.indexOf(10, at + 1);
      }
    }
    this.offset += bytes.length;
  }

  /** Finds the first invalid UTF-8 sequence in the chunk (the slow path, only on error). */
  private invalidAt(bytes: Uint8Array): IngestError {
    const bad = findInvalidUtf8(bytes);
    const at = Math.max(bad, 0);
    let line = this.lines + 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    const offset = this.offset + at;
    const byte = bytes[at];
    const hex = byte === undefined ? "" : ` (0x${byte.toString(16).padStart(2, "0")})`;
    const hint = looksLikeLatin1(bytes, at)
      ? "; it looks like Windows-1252/Latin-1: save it as UTF-8 or choose that encoding"
      : "; save it as UTF-8";
    return new IngestError(
      `the file is not valid ${this.encoding === "utf-8" ? "UTF-8" : this.encoding}: line ${line} has an invalid byte${hex} at byte offset ${offset}${hint}`,
      { line },
    );
  }
}

function looksLikeLatin1(bytes: Uint8Array, at: number): boolean {
  const b = bytes[at];
  return b !== undefined && b >= 0x80;
}

/**
 * Index of the first byte that starts an invalid UTF-8 sequence, or -1. A sequence cut off by
 * the end of the chunk is not counted as invalid: the next chunk may complete it.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need >= n) {
      // Truncated at the end of the chunk: check what is there.
      for (let k = 1; i + k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
      return -1;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes a whole file held in memory (small files, tests); see TextChunkDecoder. */
export function decodeText(bytes: Uint8Array, encoding?: TextEncoding): string {
  const d = new TextChunkDecoder(encoding);
  return d.push(bytes) + d.end();
}
