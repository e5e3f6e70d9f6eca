import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CustomerIds } from "./customer-ids.js";

describe("CustomerIds", () => {
  it("gives back every id as PostgreSQL writes it, growing past its first capacity", () => {
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    const list = new CustomerIds(10);
    for (const id of ids) list.push(id);
    expect(list.length).toBe(1_000);
    expect(list.toArray()).toEqual(ids);
    const upper = new CustomerIds();
    upper.push("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0");
    expect(upper.at(0)).toBe("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  });

  it("writes each id as the 36 ASCII bytes of its text form", () => {
    const ids = [...Array.from({ length: 200 }, () => randomUUID()), "00000000-0000-0000-0000-000000000000"];
    const list = new CustomerIds();
    for (const id of ids) list.push(id.toUpperCase());
    const out = Buffer.alloc(38, "#");
    ids.forEach((id, i) => {
      list.writeAscii(i, out, 1);
      expect(out.toString("latin1")).toBe(`#${id}#`);
    });
    expect(() => list.writeAscii(ids.length, out, 0)).toThrow(RangeError);
  });

  it("refuses what is not a uuid and rows it does not hold", () => {
    const list = new CustomerIds();
    for (const bad of [
      "",
      "C1",
      "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg",
      "0f1e2d3c44b5a-6978-8796-a5b4c3d2e1f0",
    ]) {
      expect(() => list.push(bad)).toThrow(/not a uuid/);
    }
    expect(list.length).toBe(0);
    list.push(randomUUID());
    expect(() => list.at(1)).toThrow(RangeError);
  });

  it("orders rows as PostgreSQL orders their uuids, ids that share long prefixes included", () => {
    const ids = Array.from({ length: 5_000 }, (_, i) =>
      // Every fourth id shares its first 24 hex digits with others: later words decide.
      i % 4 === 0 ? `00000000-0000-4000-8000-${randomUUID().slice(24)}` : randomUUID(),
    );
    const list = new CustomerIds();
    for (const id of ids) list.push(id);
    // A subset of the rows, in no particular order (the clustered rows of a run).
    const rows = Int32Array.from(ids.keys()).filter((i) => i % 3 !== 1);
    rows.reverse();
    const ordered = Array.from(list.rowsInIdOrder(rows), (row) => ids[row]!);
    const expected = Array.from(rows, (row) => ids[row]!).sort();
    expect(ordered).toEqual(expected);
  });
});
