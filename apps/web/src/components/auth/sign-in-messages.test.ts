import { describe, expect, it } from "vitest";
import { signInErrorMessage } from "./sign-in-messages";

describe("signInErrorMessage", () => {
  it("gives one message for a wrong password and an unknown email alike", () => {
    expect(signInErrorMessage("CredentialsSignin")).toBe("Wrong email or password.");
  });

  it("shows the rate-limit message from the server as it is", () => {
    expect(signInErrorMessage("Too many attempts, try again in 15 minutes.")).toBe(
      "Too many attempts, try again in 15 minutes.",
    );
  });

  it("does not show other next-auth codes raw", () => {
    expect(signInErrorMessage("OAuthSignin")).toBe("Could not sign you in. Try again.");
  });
});
