import { describe, expect, it } from "vitest";
import { hasRole, isRole, ROLES } from "./roles.js";

describe("roles", () => {
  it("orders roles viewer < editor < admin < owner", () => {
    expect(ROLES).toEqual(["viewer", "editor", "admin", "owner"]);
  });

  it("grants a minimum role to that role and every role above it, and to no role below", () => {
    expect(hasRole("owner", "admin")).toBe(true);
    expect(hasRole("admin", "admin")).toBe(true);
    expect(hasRole("editor", "admin")).toBe(false);
    expect(hasRole("viewer", "editor")).toBe(false);
    for (const role of ROLES) expect(hasRole(role, "viewer")).toBe(true);
    expect(ROLES.filter((role) => hasRole(role, "owner"))).toEqual(["owner"]);
  });

  it("recognises role names only", () => {
    expect(isRole("admin")).toBe(true);
    expect(isRole("root")).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
