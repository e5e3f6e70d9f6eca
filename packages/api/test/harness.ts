import { randomBytes } from "node:crypto";
import { createTestDb, type Driver, type TestDatabase } from "@strata/db";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { createCaller } from "../src/root.js";
import { createContext } from "../src/trpc.js";

export type Caller = ReturnType<typeof createCaller>;

export const PASSWORD = "plum-orchard-42";

/**
 * One fresh database per test file (PGlite starts in about a second), shared by its tests; each
 * test makes its own users and workspaces with unique names so tests never see each other's rows.
 */
export async function openHarness(driver: Driver) {
  const database: TestDatabase = await createTestDb(driver);
  const run = randomBytes(3).toString("hex");
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${run}-${++counter}`;

  const callerFor = (userId: string | null) => createCaller(createContext({ database, userId }));
  const anonymous = callerFor(null);

  async function newUser(label = "user") {
    const email = `${unique(label)}@example.com`;
    const { id } = await anonymous.account.signUp({ email, password: PASSWORD, name: label });
    return { id, email, caller: callerFor(id) };
  }

  async function newWorkspace(label = "ws") {
    const owner = await newUser(`${label}-owner`);
    const tenant = await owner.caller.tenant.create({ name: unique(label) });
    return { owner, tenant, workspace: tenant.slug };
  }

  /** Adds a member with `role` through a real invitation. */
  async function addMember(
    ownerCaller: Caller,
    workspace: string,
    role: "viewer" | "editor" | "admin" | "owner",
  ) {
    const member = await newUser(role);
    const { token } = await ownerCaller.invitation.create({ workspace, role });
    await member.caller.invitation.accept({ token });
    return member;
  }

  return {
    database,
    anonymous,
    callerFor,
    unique,
    newUser,
    newWorkspace,
    addMember,
    cleanup: () => database.cleanup(),
  };
}

/** Awaits a rejection and checks it is a TRPCError with `code` (and a message matching `message`). */
export async function expectTRPCError(
  promise: Promise<unknown>,
  code: TRPCError["code"],
  message?: RegExp | string,
): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the call to fail").toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect({ code: trpcError.code, message: trpcError.message }).toMatchObject({
    code,
    ...(message === undefined
      ? {}
      : { message: typeof message === "string" ? message : expect.stringMatching(message) }),
  });
  return trpcError;
}

/** The field an AppError was about (carried as the TRPCError's cause). */
export function fieldOf(error: TRPCError): string | undefined {
  return (error.cause as { field?: string } | undefined)?.field;
}
