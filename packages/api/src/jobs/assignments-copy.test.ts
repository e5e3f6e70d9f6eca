import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { MembershipText, membershipTextStream } from "./assignments-copy.js";
import { CustomerIds } from "./customer-ids.js";

/** Distances a float8 column must get back bit for bit, and the ones it stores as null. */
const DISTANCES = [
  0,
  -0,
  1,
  0.1 + 0.2,
  1 / 3,
  5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  1e21,
  1e-7,
  123_456_789.123_456_78,
  -2.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

function fixture(n: number, share = 0.8) {
  const ids = Array.from({ length: n }, () => randomUUID());
  const customerIds = new CustomerIds();
  for (const id of ids) customerIds.push(id);
  // A shuffled subset of the rows (a run's clustered customers), with segments of any int32.
  const rows = Int32Array.from(ids.keys()).filter((i) => (i * 7919) % 100 < share * 100);
  rows.reverse();
  const labels = Int32Array.from(rows, (_, i) => [0, 3, -1, 2_147_483_647, -2_147_483_648, 42][i % 6]!);
  const distances = Float64Array.from(rows, (_, i) =>
    i < DISTANCES.length ? DISTANCES[i]! : Math.random() * 10 ** (Math.random() * 40 - 20),
  );
  return { ids, customerIds, assigned: { rows, labels, distances } };
}

/** The lines the text must hold: what the chunked INSERT's array literals spell, in id order. */
function expectedLines({ ids, assigned }: ReturnType<typeof fixture>): string[] {
  return Array.from(assigned.rows, (row, i) => {
    const d = assigned.distances[i]!;
    return `${ids[row]}\t${assigned.labels[i]}\t${Number.isFinite(d) ? String(d) : "\\N"}`;
  }).sort();
}

describe("MembershipText", () => {
  it("spells every membership as a COPY text line in the order of the customers' ids", () => {
    const f = fixture(3_000);
    const text = new MembershipText(f.customerIds, f.assigned);
    const batches: Buffer[] = [];
    for (let batch = text.nextBatch(4_096); batch; batch = text.nextBatch(4_096)) {
      expect(batch.length).toBeLessThanOrEqual(4_096);
      // Lines are never cut between batches.
      expect(batch.at(-1)).toBe(10);
      batches.push(batch);
    }
    expect(batches.length).toBeGreaterThan(10);
    const lines = Buffer.concat(batches).toString("latin1").split("\n");
    expect(lines.pop()).toBe("");
    // Sorted text order is the uuids' byte order (lower-case hex, same length).
    expect(lines).toEqual(expectedLines(f));
    expect(text.written).toBe(f.assigned.rows.length);
    expect(text.nextBatch()).toBeNull();
  });

  it("writes distances that read back as the same doubles, and non-finite ones as null", () => {
    const f = fixture(DISTANCES.length, 1);
    const text = new MembershipText(f.customerIds, f.assigned);
    const lines = text.nextBatch()!.toString("latin1").trimEnd().split("\n");
    const stored = new Map(lines.map((line) => line.split("\t")).map(([id, , d]) => [id!, d!]));
    f.assigned.rows.forEach((row, i) => {
      const d = f.assigned.distances[i]!;
      const written = stored.get(f.ids[row]!)!;
      if (Number.isFinite(d)) expect(Object.is(Number(written), d === 0 ? 0 : d)).toBe(true);
      else expect(written).toBe("\\N");
    });
  });

  it("keeps one line per batch when a batch is smaller than a line", () => {
    const f = fixture(5, 1);
    const text = new MembershipText(f.customerIds, f.assigned);
    let batches = 0;
    while (text.nextBatch(1)) batches++;
    expect(batches).toBe(5);
  });
});

describe("membershipTextStream", () => {
  it("formats the next batch only when the consumer has taken the last (backpressure)", async () => {
    const f = fixture(20_000, 1);
    const text = new MembershipText(f.customerIds, f.assigned);
    const batchBytes = 8_192;
    let taken = 0;
    let mostAhead = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        taken += chunk.toString("latin1").split("\n").length - 1;
        mostAhead = Math.max(mostAhead, text.written - taken);
        setImmediate(done);
      },
    });
    await pipeline(membershipTextStream(text, batchBytes), slow);
    expect(taken).toBe(20_000);
    // About 110 lines a batch: at most a few batches ever wait formatted, never the whole text.
    expect(mostAhead).toBeLessThan(5 * Math.ceil(batchBytes / 60));
  });
});
