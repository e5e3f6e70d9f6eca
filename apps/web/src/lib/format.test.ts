import { describe, expect, it } from "vitest";
import { describeAuditAction, describeAuditDetails } from "./audit";
import { formatDateTime, formatExpiry, formatStatistic, isYearColumn, roleLabel } from "./format";

describe("formatExpiry", () => {
  const now = new Date("2026-01-01T00:00:00Z");

  it("says hours for the next two days and days after that", () => {
    expect(formatExpiry(new Date("2026-01-01T05:00:00Z"), now)).toBe("in 5 hours");
    expect(formatExpiry(new Date("2026-01-08T00:00:00Z"), now)).toBe("in 7 days");
  });

  it("says expired for a time in the past", () => {
    expect(formatExpiry(new Date("2025-12-31T00:00:00Z"), now)).toBe("expired");
  });
});

describe("formatDateTime", () => {
  it("renders in UTC so server and browser agree", () => {
    expect(formatDateTime("2026-03-04T05:06:00Z")).toBe("4 Mar 2026, 05:06 UTC");
  });
});

describe("roleLabel", () => {
  it("capitalises known roles and passes unknown ones through", () => {
    expect(roleLabel("viewer")).toBe("Viewer");
    expect(roleLabel("auditor")).toBe("auditor");
  });
});

describe("audit descriptions", () => {
  it("spells out unknown action codes", () => {
    expect(describeAuditAction("apiKey.created")).toBe("Api key created");
  });

  it("lists details as key: value pairs, skipping empty ones", () => {
    expect(describeAuditDetails({ from: "viewer", to: "editor", note: null })).toBe(
      "from: viewer · to: editor",
    );
  });

  it("shows dates in details the way the rest of the page does", () => {
    expect(describeAuditDetails({ expiresAt: "2026-12-02T01:15:23.282Z" })).toBe(
      "expiresAt: 2 Dec 2026, 01:15 UTC",
    );
  });
});

describe("years", () => {
  it("print without a thousands separator when the column is named like a year", () => {
    const column = { name: "Year_Birth", integer: true, min: 1893, max: 1996 };
    expect(isYearColumn(column)).toBe(true);
    expect(formatStatistic(1893, { isYear: isYearColumn(column) })).toBe("1893");
    expect(formatStatistic(1968.8, { isYear: true })).toBe("1968.8");
  });

  it("are recognised by their range when the name says nothing", () => {
    expect(isYearColumn({ name: "Dt", integer: true, min: 1940, max: 2014 })).toBe(true);
    expect(isYearColumn({ name: "yrBuilt", integer: true, min: 1, max: 2014 })).toBe(true);
  });

  it("are not other whole numbers, fractions or four-digit amounts", () => {
    expect(isYearColumn({ name: "Income", integer: true, min: 1730, max: 666666 })).toBe(false);
    expect(isYearColumn({ name: "Quantity", integer: true, min: 1, max: 80995 })).toBe(false);
    expect(isYearColumn({ name: "price", integer: false, min: 1900.5, max: 2000.25 })).toBe(false);
    expect(isYearColumn({ name: "birth_weight_g", integer: true, min: 2100, max: 12540 })).toBe(false);
    expect(formatStatistic(12540)).toBe("12,540");
    expect(formatStatistic(80995, { isYear: false })).toBe("80,995");
  });

  it("other values keep their usual form", () => {
    expect(formatStatistic(null)).toBe("—");
    expect(formatStatistic(3.46047)).toBe("3.46");
    expect(formatStatistic("2010-12-01 08:26:00+00", { type: "date" })).toBe("2010-12-01");
  });
});
