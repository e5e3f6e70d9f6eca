import { describe, expect, it } from "vitest";
import { excerptOf, findMentions } from "./mentions.js";

const ana = { userId: "u-ana", name: "Ana", email: "ana@example.com" };
const anaLima = { userId: "u-lima", name: "Ana Lima", email: "lima@example.com" };
const bo = { userId: "u-bo", name: "Bo Chen", email: "bo@example.com" };
const members = [ana, anaLima, bo];

describe("findMentions", () => {
  it("finds members by display name or email, case-insensitively, once each, in order", () => {
    expect(findMentions("@bo chen and @ANA@example.com, and @Bo Chen again", members)).toEqual([
      "u-bo",
      "u-ana",
    ]);
  });

  it("prefers the longest member name at the same @", () => {
    expect(findMentions("@Ana Lima please look", members)).toEqual(["u-lima"]);
    expect(findMentions("@Ana please look", members)).toEqual(["u-ana"]);
  });

  it("leaves unknown @text as text and ignores the @ inside an address written in the text", () => {
    expect(findMentions("@nobody mail ana@example.com or @anastasia", members)).toEqual([]);
  });

  it("lets punctuation end a mention", () => {
    expect(findMentions("thanks @Ana. (@bo@example.com)", members)).toEqual(["u-ana", "u-bo"]);
  });
});

describe("excerptOf", () => {
  it("flattens whitespace and cuts long text with an ellipsis", () => {
    expect(excerptOf("a\n\n b")).toBe("a b");
    const cut = excerptOf("x".repeat(200), 10);
    expect(cut).toHaveLength(10);
    expect(cut.endsWith("…")).toBe(true);
  });
});
