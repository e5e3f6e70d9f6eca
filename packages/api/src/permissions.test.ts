import { ROLES } from "@strata/auth";
import { describe, expect, it } from "vitest";
import { AppError } from "./errors.js";
import { assertCan, can, isPermission, PERMISSIONS, permissionsOf } from "./permissions.js";

describe("permissions", () => {
  it("names every permission <aggregate>.<verb> and gives it a role", () => {
    for (const [name, role] of Object.entries(PERMISSIONS)) {
      expect(name).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      expect(ROLES).toContain(role);
    }
    expect(isPermission("segmentSet.publish")).toBe(true);
    expect(isPermission("editor")).toBe(false);
  });

  it("lets editors publish segment sets and viewers only read them", () => {
    expect(PERMISSIONS["segmentSet.publish"]).toBe("editor");
    expect(can("viewer", "segmentSet.read")).toBe(true);
    expect(can("viewer", "segmentSet.publish")).toBe(false);
    expect(can("editor", "segmentSet.publish")).toBe(true);
    expect(can("owner", "audit.read")).toBe(true);
  });

  it("lists what a role may do for the UI, one flag per permission", () => {
    const viewer = permissionsOf("viewer");
    expect(Object.keys(viewer).sort()).toEqual(Object.keys(PERMISSIONS).sort());
    expect(viewer["import.upload"]).toBe(false);
    expect(Object.values(permissionsOf("owner")).every(Boolean)).toBe(true);
  });

  it("refuses with FORBIDDEN naming the role needed", () => {
    expect(() => assertCan("viewer", "import.upload")).toThrowError(
      new AppError("FORBIDDEN", "This needs the editor role or higher; you are viewer."),
    );
    expect(() => assertCan("admin", "import.upload")).not.toThrow();
  });
});
