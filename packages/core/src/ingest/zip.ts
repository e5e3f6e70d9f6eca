import { Inflate } from "fflate";
import { IngestError } from "./errors.js";

/** Where one member of a ZIP archive is stored. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the member's local header. */
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function damaged(what: string): IngestError {
  return new IngestError(`the .xlsx file is damaged and cannot be unzipped (${what})`);
}

/**
 * Reads the central directory of a ZIP archive (ZIP64 included) so members can be inflated one
 * piece at a time instead of all at once.
 */
export function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged("no end of central directory record; the file may be truncated");
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (
    (offset === 0xffffffff || count === 0xffff) &&
    eocd >= 20 &&
    view.getUint32(eocd - 20, true) === ZIP64_LOCATOR
  ) {
    const at = Number(view.getBigUint64(eocd - 12, true));
    if (at + 56 > n || view.getUint32(at, true) !== ZIP64_EOCD) throw damaged("bad ZIP64 directory");
    count = Number(view.getBigUint64(at + 32, true));
    offset = Number(view.getBigUint64(at + 48, true));
  }
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > n || view.getUint32(p, true) !== CENTRAL) throw damaged("bad central directory entry");
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 sizes and offsets live in extra field 0x0001, in this order, only when saturated.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const size = view.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(view.getBigUint64(q, true));
      }
      e += 4 + size;
    }
    if (flags & 1)
      throw new IngestError("the workbook is password-protected; remove the password and upload it again");
    entries.set(name, { name, method, compressedSize, uncompressedSize, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

function dataStart(bytes: Uint8Array, entry: ZipEntry): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL)
    throw damaged(`bad local header of ${entry.name}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) throw damaged(`${entry.name} is cut off`);
  return start;
}

/**
 * The uncompressed bytes of one member, in pieces of about `pieceSize` compressed bytes, with
 * how far through the member's compressed data each piece is (0..1).
 */
export function* inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  pieceSize = 256 * 1024,
): Generator<{ data: Uint8Array; fraction: number }> {
  const start = dataStart(bytes, entry);
  const size = entry.compressedSize;
  if (entry.method === 0) {
    for (let at = 0; at < size; at += pieceSize) {
      const end = Math.min(size, at + pieceSize);
      yield { data: bytes.subarray(start + at, start + end), fraction: end / size };
    }
    return;
  }
  if (entry.method !== 8) throw damaged(`${entry.name} uses compression method ${entry.method}`);
  const out: Uint8Array[] = [];
  const inflate = new Inflate((data) => {
    out.push(data);
  });
  if (size === 0) return;
  for (let at = 0; at < size; at += pieceSize) {
    const end = Math.min(size, at + pieceSize);
    try {
      inflate.push(bytes.subarray(start + at, start + end), end === size);
    } catch (e) {
      throw damaged(`${entry.name}: ${(e as Error).message}`);
    }
    for (const data of out) yield { data, fraction: end / size };
    out.length = 0;
  }
}

/** A whole member as bytes (small parts: workbook, relationships, styles). */
export function readEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const { data } of inflateEntry(bytes, entry)) {
    parts.push(data);
    total += data.length;
  }
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
