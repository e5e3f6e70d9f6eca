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

/** What reading one archive may cost; every member inflated counts against the same budget. */
export interface ZipLimits {
  /** Most members the central directory may list (default 10,000; an .xlsx has a few dozen). */
  maxEntries?: number;
  /** Most bytes inflated from the archive, all members together (default 1 GiB). */
  maxInflatedBytes?: number;
  /**
   * Highest ratio of inflated to compressed bytes of one member once it has inflated more than
   * 4 MiB (default 200; worksheet XML rarely passes 30, DEFLATE's ceiling is about 1,032).
   */
  maxCompressionRatio?: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<Required<ZipLimits>> = {
  maxEntries: 10_000,
  maxInflatedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
};

/** Small members may compress very well (a sheet of empty styled cells); only large ones are judged. */
const RATIO_GRACE_BYTES = 4 * 1024 * 1024;

/**
 * Compressed bytes handed to the inflater at once. DEFLATE can expand 1 byte into about 1,032,
 * so this bounds what one step may produce (about 16 MiB) before the limits are checked again:
 * a bomb is stopped after a few MiB, never inflated whole.
 */
const INFLATE_STEP = 16 * 1024;

/** Bytes inflated so far from one archive, checked against its limits after every step. */
export class InflateBudget {
  readonly limits: Readonly<Required<ZipLimits>>;
  inflatedBytes = 0;

  constructor(limits: ZipLimits = {}) {
    this.limits = {
      maxEntries: limits.maxEntries ?? DEFAULT_ZIP_LIMITS.maxEntries,
      maxInflatedBytes: limits.maxInflatedBytes ?? DEFAULT_ZIP_LIMITS.maxInflatedBytes,
      maxCompressionRatio: limits.maxCompressionRatio ?? DEFAULT_ZIP_LIMITS.maxCompressionRatio,
    };
  }

  /** Counts `size` more bytes of `entry`, `compressed` bytes of it read so far; throws past a limit. */
  spend(entry: ZipEntry, size: number, inflated: number, compressed: number): void {
    this.inflatedBytes += size;
    const { maxInflatedBytes, maxCompressionRatio } = this.limits;
    if (this.inflatedBytes > maxInflatedBytes) {
      throw new IngestError(
        `the .xlsx file inflates to more than ${formatBytes(maxInflatedBytes)} (the limit; ${entry.name} was still growing), so it is not read`,
      );
    }
    if (inflated > RATIO_GRACE_BYTES && inflated > compressed * maxCompressionRatio) {
      throw new IngestError(
        `${entry.name} in the .xlsx file expands more than ${maxCompressionRatio} times (${formatBytes(compressed)} inflated to over ${formatBytes(inflated)}): it looks like a zip bomb, so it is not read`,
      );
    }
  }
}

/** 1.5 GiB, 300 MiB, 12 KiB: for messages. */
function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toFixed(1))} ${units[u]}`;
}

function damaged(what: string): IngestError {
  return new IngestError(`the .xlsx file is damaged and cannot be unzipped (${what})`);
}

/**
 * Reads the central directory of a ZIP archive (ZIP64 included) so members can be inflated one
 * piece at a time instead of all at once.
 */
export function readZipDirectory(
  bytes: Uint8Array,
  limits: Pick<ZipLimits, "maxEntries"> = {},
): Map<string, ZipEntry> {
  const maxEntries = limits.maxEntries ?? DEFAULT_ZIP_LIMITS.maxEntries;
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
  if (count > maxEntries) {
    throw new IngestError(
      `the .xlsx file holds ${count} parts, more than the ${maxEntries} accepted; it is not a workbook Excel would write`,
    );
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
    if (extraEnd > n) throw damaged("bad central directory entry");
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const size = view.getUint16(e + 2, true);
      if (id === 1) {
        const fieldEnd = Math.min(extraEnd, e + 4 + size);
        const next = (q: number): number => {
          if (q + 8 > fieldEnd) throw damaged("bad ZIP64 extra field");
          return Number(view.getBigUint64(q, true));
        };
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = next(q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = next(q);
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = next(q);
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
 * The uncompressed bytes of one member, in pieces of at most `pieceSize` compressed bytes (and
 * at most 16 KiB when deflated), with how far through the member's compressed data each piece
 * is (0..1). Every piece is counted against `budget` before it is handed out, so inflation
 * stops at the first step past a limit.
 */
export function* inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  options: { budget?: InflateBudget; pieceSize?: number } = {},
): Generator<{ data: Uint8Array; fraction: number }> {
  const budget = options.budget ?? new InflateBudget();
  const pieceSize = options.pieceSize ?? 256 * 1024;
  const start = dataStart(bytes, entry);
  const size = entry.compressedSize;
  const { maxInflatedBytes } = budget.limits;
  if (entry.uncompressedSize > maxInflatedBytes - budget.inflatedBytes) {
    // The directory's word is enough to refuse; when it lies low, the counting below still stops.
    throw new IngestError(
      `the .xlsx file inflates to more than ${formatBytes(maxInflatedBytes)} (the limit; ${entry.name} says it holds ${formatBytes(entry.uncompressedSize)}), so it is not read`,
    );
  }
  if (entry.method === 0) {
    for (let at = 0; at < size; at += pieceSize) {
      const end = Math.min(size, at + pieceSize);
      budget.spend(entry, end - at, end, end);
      yield { data: bytes.subarray(start + at, start + end), fraction: end / size };
    }
    return;
  }
  if (entry.method !== 8) throw damaged(`${entry.name} uses compression method ${entry.method}`);
  if (size === 0) return;
  let out: Uint8Array | undefined;
  const inflate = new Inflate((data) => {
    out = data;
  });
  const step = Math.min(pieceSize, INFLATE_STEP);
  let inflated = 0;
  for (let at = 0; at < size; at += step) {
    const end = Math.min(size, at + step);
    try {
      inflate.push(bytes.subarray(start + at, start + end), end === size);
    } catch (e) {
      throw damaged(`${entry.name}: ${(e as Error).message}`);
    }
    const data = out;
    out = undefined;
    if (data === undefined || data.length === 0) continue;
    inflated += data.length;
    budget.spend(entry, data.length, inflated, end);
    yield { data, fraction: end / size };
  }
}

/** A whole member as bytes (small parts: workbook, relationships, styles). */
export function readEntry(bytes: Uint8Array, entry: ZipEntry, budget?: InflateBudget): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const { data } of inflateEntry(bytes, entry, { budget })) {
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
