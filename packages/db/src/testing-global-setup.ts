import { createTemplateDb } from "./testing.js";

// vitest globalSetup for every package whose integration suites call createTestDb("postgres"):
// the migrations run once per test run into a template database, and each suite's database is a
// copy of it. Listed by path in those packages' vitest configs.
export default function setup(): Promise<() => Promise<void>> {
  return createTemplateDb();
}
