import { parseCsv } from "@strata/core";
import { describe, expect, it } from "vitest";
import { MEMBERSHIPS_CSV_HEADER, membershipsCsv } from "./segment-export.js";

const AT = new Date("2024-05-01T10:00:00Z");

describe("membershipsCsv", () => {
  it("starts with CONTRACT.md's header and neutralises customer ids a spreadsheet would run", () => {
    const csv = membershipsCsv(
      {
        setName: "Spring, 2024",
        segmentName: "=cmd|' /C calc'!A0",
        rows: [
          { customerId: '=HYPERLINK("http://evil.example","x")', assignedAt: AT },
          { customerId: "@SUM(1)", assignedAt: AT },
          { customerId: "\t=1", assignedAt: AT },
          { customerId: "-3", assignedAt: AT },
          { customerId: "C-17", assignedAt: AT },
        ],
      },
      true,
    );
    const { header, records } = parseCsv(csv);
    expect(header.join(",")).toBe(MEMBERSHIPS_CSV_HEADER);
    expect(csv.startsWith("customer_id,segment_set,segment,assigned_at\n")).toBe(true);
    expect(records.map((r) => r.fields)).toEqual([
      [`'=HYPERLINK("http://evil.example","x")`, "Spring, 2024", "'=cmd|' /C calc'!A0", AT.toISOString()],
      ["'@SUM(1)", "Spring, 2024", "'=cmd|' /C calc'!A0", AT.toISOString()],
      ["'\t=1", "Spring, 2024", "'=cmd|' /C calc'!A0", AT.toISOString()],
      // A plain number is a number, not a formula: it stays as it is.
      ["-3", "Spring, 2024", "'=cmd|' /C calc'!A0", AT.toISOString()],
      ["C-17", "Spring, 2024", "'=cmd|' /C calc'!A0", AT.toISOString()],
    ]);
  });

  it("writes later pages without the header", () => {
    const csv = membershipsCsv(
      { setName: "S", segmentName: "G", rows: [{ customerId: "C1", assignedAt: AT }] },
      false,
    );
    expect(csv).toBe(`C1,S,G,${AT.toISOString()}\n`);
  });
});
