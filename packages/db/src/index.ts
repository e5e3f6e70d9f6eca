export { type CreateDatabaseOptions, createDatabase, getDatabase } from "./client.js";
export { isConnectionLost } from "./connection-lost.js";
export { type DbEnv, findRepoRoot, readDbEnv } from "./env.js";
export { listen } from "./listen.js";
export { MIGRATIONS_FOLDER, migrate } from "./migrate.js";
export * from "./schema/index.js";
export { rawRows, withInvitationToken, withRecovery, withTenant, withUser } from "./tenant.js";
export { createTestDb, type TestDatabase, testDrivers } from "./testing.js";
export type { Database, DbOrTx, Driver, DrizzleDb, Schema, Tx } from "./types.js";
