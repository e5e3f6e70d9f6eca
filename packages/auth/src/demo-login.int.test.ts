import {
  createTestDb,
  memberships,
  type TestDatabase,
  tenants,
  testDrivers,
  users,
  withTenant,
} from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoWorkspaceOwnership } from "./demo-login.js";

describe.each(testDrivers())("demoWorkspaceOwnership on %s", (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDb(driver);
  });
  afterAll(() => database?.cleanup());

  it("tells a missing workspace, the seed's own and someone else's apart", async () => {
    const demo = { email: "demo@strata.local", slug: "demo" };
    await expect(demoWorkspaceOwnership(database, demo)).resolves.toBe("absent");

    const [owner] = await database.db
      .insert(users)
      .values({ email: "mallory@example.com", name: "Mallory", passwordHash: "x" })
      .returning();
    const [tenant] = await database.db
      .insert(tenants)
      .values({ slug: "demo", name: "Not a demo" })
      .returning();
    await withTenant(database.db, tenant!.id, (tx) =>
      tx.insert(memberships).values({ tenantId: tenant!.id, userId: owner!.id, role: "owner" }),
    );
    // Created by someone else, and the demo login does not exist yet.
    await expect(demoWorkspaceOwnership(database, demo)).resolves.toBe("foreign");

    const [demoUser] = await database.db
      .insert(users)
      .values({ email: demo.email, name: "Demo", passwordHash: "x" })
      .returning();
    // The demo login exists but is no member: the seed would be joining a stranger's workspace.
    await expect(demoWorkspaceOwnership(database, demo)).resolves.toBe("foreign");

    await withTenant(database.db, tenant!.id, (tx) =>
      tx.insert(memberships).values({ tenantId: tenant!.id, userId: demoUser!.id, role: "owner" }),
    );
    await expect(demoWorkspaceOwnership(database, demo)).resolves.toBe("own");
  });
});
