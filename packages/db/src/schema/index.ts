export * from "./app-role.js";
export * from "./audit-events.js";
export * from "./invitations.js";
export * from "./login-attempts.js";
export * from "./memberships.js";
export * from "./tenants.js";
export * from "./users.js";
