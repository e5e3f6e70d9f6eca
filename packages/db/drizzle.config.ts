import { defineConfig } from "drizzle-kit";

// Generate only (`drizzle-kit generate --name <verb>_<noun>`); never `push`. Migrations ship with the
// package and are applied by `migrate()` on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
  casing: "snake_case",
  entities: { roles: true },
});
