import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionClaims } from "./session-cookie.js";

const secret = "c".repeat(40);

describe("readSessionClaims", () => {
  it("reads the user and session version of a next-auth session cookie", async () => {
    const token = await encode({ token: { sub: "user-1", sessionVersion: 3 }, secret });
    const cookies = { "next-auth.session-token": token, other: "x" };
    expect(await readSessionClaims({ cookies, secret, secureCookie: false })).toEqual({
      userId: "user-1",
      sessionVersion: 3,
    });
    // Read again (from the kept decode): the same answer.
    expect(await readSessionClaims({ cookies, secret, secureCookie: false })).toEqual({
      userId: "user-1",
      sessionVersion: 3,
    });
  });

  it("counts a token without a session version as version 0 and reads chunked __Secure- cookies", async () => {
    const token = await encode({ token: { sub: "user-2" }, secret });
    const half = Math.floor(token.length / 2);
    const cookies = new Map([
      ["__Secure-next-auth.session-token.1", token.slice(half)],
      ["__Secure-next-auth.session-token.0", token.slice(0, half)],
    ]);
    expect(await readSessionClaims({ cookies, secret, secureCookie: true })).toEqual({
      userId: "user-2",
      sessionVersion: 0,
    });
    // Over https only the __Secure- name counts.
    expect(await readSessionClaims({ cookies, secret, secureCookie: false })).toBeNull();
  });

  it("refuses a cookie sealed with another secret, a tampered one, an expired one and none", async () => {
    const foreign = await encode({ token: { sub: "user-3" }, secret: "d".repeat(40) });
    const read = (token: string) =>
      readSessionClaims({ cookies: { "next-auth.session-token": token }, secret, secureCookie: false });
    expect(await read(foreign)).toBeNull();
    const good = await encode({ token: { sub: "user-3" }, secret });
    const tampered = `${good.slice(0, -4)}${good.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    expect(await read(tampered)).toBeNull();
    const expired = await encode({
      token: { sub: "user-3" },
      secret,
      maxAge: -60 /* beyond next-auth's 15 s clock tolerance */,
    });
    expect(await read(expired)).toBeNull();
    expect(await readSessionClaims({ cookies: {}, secret, secureCookie: false })).toBeNull();
  });
});
