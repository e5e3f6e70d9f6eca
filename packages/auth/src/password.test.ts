import { describe, expect, it } from "vitest";
import { checkPasswordRules, hashPassword, verifyPassword } from "./password.js";

describe("password hashing", () => {
  it("verifies the password it hashed and rejects any other", async () => {
    const hash = await hashPassword("correct horse 42");
    expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$/);
    expect(hash).not.toContain("correct horse");
    await expect(verifyPassword("correct horse 42", hash)).resolves.toBe(true);
    await expect(verifyPassword("correct horse 43", hash)).resolves.toBe(false);
    await expect(verifyPassword("", hash)).resolves.toBe(false);
  });

  it("salts every hash, so one password hashes differently twice", async () => {
    const [a, b] = await Promise.all([hashPassword("same password 1"), hashPassword("same password 1")]);
    expect(a).not.toBe(b);
  });

  it("answers false for a malformed stored hash instead of throwing", async () => {
    await expect(verifyPassword("anything12", "not-a-hash")).resolves.toBe(false);
    await expect(verifyPassword("anything12", "scrypt$x$8$1$abc$def")).resolves.toBe(false);
  });
});

describe("password rules", () => {
  it("accepts a long password mixing kinds of characters", () => {
    expect(checkPasswordRules("violet-harbor-19", "ann@example.com")).toBeNull();
  });

  it("refuses fewer than 10 characters", () => {
    expect(checkPasswordRules("Ab1!Ab1!A")).toMatch(/at least 10 characters/);
  });

  it("refuses a password of only one kind of character", () => {
    expect(checkPasswordRules("abcdefghijkl")).toMatch(/two kinds/);
    expect(checkPasswordRules("123456789012")).toMatch(/two kinds/);
  });

  it("refuses the email address or its local part as the password", () => {
    expect(checkPasswordRules("Ann.Smith@Example.com", "ann.smith@example.com")).toMatch(/email/);
    expect(checkPasswordRules("ann.smith.1984", "ann.smith.1984@example.com")).toMatch(/email/);
  });
});
