import { describe, expect, it } from "vitest";
import { describeActivity } from "./describe-activity.js";

const base = { actorName: "Ana", targetName: null, details: {} };

describe("describeActivity", () => {
  it("reads a review event with the set's name and version", () => {
    expect(
      describeActivity({
        ...base,
        action: "segment_set.approved",
        targetType: "segment_set",
        targetName: "Value tiers",
        details: { version: 3 },
      }),
    ).toBe("Ana approved segment set Value tiers v3");
  });

  it("names comments by where they were written and how many members they mention", () => {
    expect(
      describeActivity({
        ...base,
        action: "comment.created",
        targetType: "segment_set",
        details: { name: "Value tiers", mentions: 2, excerpt: "@Bo look" },
      }),
    ).toBe("Ana commented on segment set Value tiers, mentioning 2 members");
  });

  it("reads privacy events without naming the customer", () => {
    const erased = describeActivity({
      ...base,
      action: "customer.erased",
      targetType: "customer",
      details: { orderLines: 3, memberships: 1 },
    });
    expect(erased).toBe("Ana erased a customer and everything held on them");
    expect(describeActivity({ ...base, action: "customer.data_exported", targetType: "customer" })).toBe(
      "Ana exported everything held on a customer",
    );
    expect(
      describeActivity({
        ...base,
        actorName: null,
        action: "order_lines.retention_applied",
        targetType: "tenant",
        details: { months: 12, deleted: 40 },
      }),
    ).toBe("40 order lines older than 12 months were deleted");
  });

  it("reads member, run, import and export events", () => {
    expect(
      describeActivity({
        ...base,
        action: "member.role_changed",
        targetType: "user",
        targetName: "Bo",
        details: { to: "editor" },
      }),
    ).toBe("Ana made Bo editor");
    expect(
      describeActivity({
        ...base,
        action: "run.queued",
        targetType: "run",
        details: { algorithm: "kmeans" },
      }),
    ).toBe("Ana started a kmeans run");
    expect(
      describeActivity({
        ...base,
        action: "import.started",
        targetType: "import",
        details: { kind: "customers", fileName: "people.csv" },
      }),
    ).toBe("Ana started importing customers from people.csv");
    expect(
      describeActivity({
        ...base,
        action: "segment.exported",
        targetType: "segment",
        targetName: "Champions",
        details: { setName: "Value tiers" },
      }),
    ).toBe("Ana exported the customers of segment Champions (Value tiers)");
  });

  it("spells out an action it does not know, and says Someone for a deleted account", () => {
    expect(
      describeActivity({
        ...base,
        actorName: null,
        action: "segment_set.made_shiny",
        targetType: "segment_set",
        details: { name: "S" },
      }),
    ).toBe("Someone made shiny segment set S");
  });
});
