import { describe, expect, it } from "vitest";
import { isConnectionLost } from "./connection-lost.js";

describe("isConnectionLost", () => {
  it("recognises a terminated backend, a dropped socket and a shutdown, also wrapped by drizzle", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    expect(isConnectionLost(terminated)).toBe(true);
    expect(isConnectionLost(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionLost(new Error("Failed query: begin\nparams: ", { cause: terminated }))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
  });

  it("leaves the work's own errors alone: constraint violations, bad input, anything else", () => {
    expect(isConnectionLost(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isConnectionLost(new Error("The file could not be read"))).toBe(false);
    expect(isConnectionLost(undefined)).toBe(false);
  });
});
