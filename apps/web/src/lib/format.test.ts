import { describe, expect, it } from "vitest";
import { describeAuditAction, describeAuditDetails } from "./audit";
import { formatDateTime, formatExpiry, roleLabel } from "./format";

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
