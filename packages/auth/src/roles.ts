/** Member roles from least to most powerful; the order is the permission model. */
export const ROLES = ["viewer", "editor", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do, for messages and the UI. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "can read",
  editor: "can change data",
  admin: "can manage members",
  owner: "can do everything",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `actual` is `minimum` or above it. */
export function hasRole(actual: Role, minimum: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(minimum);
}
