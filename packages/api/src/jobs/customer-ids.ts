/**
 * The customer ids (uuids) of a run's rows, 16 bytes each rather than a string each. At 1,000,000
 * customers that is 16 MB; the id strings cut out of COPY's text were about 110 MB, because each
 * kept the whole piece of text it was cut from alive. An id is a string again only where one is
 * written out (a membership, a map point, an outlier).
 */
export class CustomerIds {
  private words: Uint32Array;
  private count = 0;

  constructor(capacity = 0) {
    this.words = new Uint32Array(Math.max(capacity, 1) * 4);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a uuid in PostgreSQL's text form (lower- or upper-case hex, with its four dashes). */
  push(id: string): void {
    if (id.length !== 36) throw new Error(`not a uuid: ${JSON.stringify(id)}`);
    if (this.count * 4 === this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const o = this.count * 4;
    let word = 0;
    let digits = 0;
    for (let i = 0; i < 36; i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (id.charCodeAt(i) !== 45) throw new Error(`not a uuid: ${JSON.stringify(id)}`);
        continue;
      }
      const v = HEX_VALUE[id.charCodeAt(i)] ?? 255;
      if (v === 255) throw new Error(`not a uuid: ${JSON.stringify(id)}`);
      word = (word << 4) | v;
      if (++digits % 8 === 0) {
        this.words[o + digits / 8 - 1] = word >>> 0;
        word = 0;
      }
    }
    this.count++;
  }

  /** The i-th id in lower-case text form, as PostgreSQL writes a uuid. */
  at(i: number): string {
    if (i < 0 || i >= this.count) throw new RangeError(`no customer id at ${i}`);
    const w = this.words;
    const o = i * 4;
    const a = hex8(w[o]!);
    const b = hex8(w[o + 1]!);
    const c = hex8(w[o + 2]!);
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex8(w[o + 3]!)}`;
  }

  /**
   * Writes the i-th id, as `at(i)` spells it, into `target` at `offset` as 36 ASCII bytes: for bulk
   * writers (COPY) that would otherwise make a string per id only to encode it again.
   */
  writeAscii(i: number, target: Uint8Array, offset: number): void {
    if (i < 0 || i >= this.count) throw new RangeError(`no customer id at ${i}`);
    const w = this.words;
    let at = offset;
    for (let k = 0; k < 4; k++) {
      const word = w[i * 4 + k]!;
      for (let shift = 24; shift >= 0; shift -= 8) {
        // Dashes after hex digits 8, 12, 16 and 20 (bytes 4, 6, 8 and 10 of the 16).
        if (at - offset === 8 || at - offset === 13 || at - offset === 18 || at - offset === 23)
          target[at++] = 45;
        const byte = (word >>> shift) & 0xff;
        target[at++] = HEX_ASCII[byte >>> 4]!;
        target[at++] = HEX_ASCII[byte & 0xf]!;
      }
    }
  }

  /**
   * The rows in the order of their ids: PostgreSQL orders uuids by their bytes, which is the order
   * of the four big-endian words compared in turn. A radix sort on 16-bit digits, least significant
   * first (8 passes, no comparisons, stable).
   */
  rowsInIdOrder(rows: Int32Array): Int32Array {
    let from = Int32Array.from(rows);
    let to = new Int32Array(rows.length);
    const counts = new Uint32Array(65_536);
    for (let pass = 0; pass < 8; pass++) {
      const wordIndex = 3 - (pass >> 1);
      const shift = pass & 1 ? 16 : 0;
      counts.fill(0);
      for (let i = 0; i < from.length; i++)
        counts[(this.words[from[i]! * 4 + wordIndex]! >>> shift) & 0xffff]!++;
      let sum = 0;
      for (let b = 0; b < 65_536; b++) {
        const c = counts[b]!;
        counts[b] = sum;
        sum += c;
      }
      for (let i = 0; i < from.length; i++) {
        const row = from[i]!;
        to[counts[(this.words[row * 4 + wordIndex]! >>> shift) & 0xffff]!++] = row;
      }
      [from, to] = [to, from];
    }
    return from;
  }

  toArray(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }
}

const HEX_VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[97 + i] = 10 + i;
  HEX_VALUE[65 + i] = 10 + i;
}

/** "0".."9", "a".."f" as ASCII codes. */
const HEX_ASCII = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function hex8(word: number): string {
  return (
    BYTE_HEX[word >>> 24]! +
    BYTE_HEX[(word >>> 16) & 0xff]! +
    BYTE_HEX[(word >>> 8) & 0xff]! +
    BYTE_HEX[word & 0xff]!
  );
}
