import { describe, expect, it } from "vitest";
import { activeMention, insertMention, matchMembers, mentionLabel, splitMentions } from "./mentions";

const members = [
  { userId: "1", name: "Ana Lima", email: "ana@example.com" },
  { userId: "2", name: "Bo Chen", email: "bo@example.com" },
  { userId: "3", name: "Bo Chen", email: "bo2@example.com" },
];

describe("mention typing", () => {
  it("finds the @query at the caret, not an @ inside an address", () => {
    expect(activeMention("hello @An", 9)).toEqual({ start: 6, query: "An" });
    expect(activeMention("@Ana Li", 7)).toEqual({ start: 0, query: "Ana Li" });
    expect(activeMention("mail ana@ex", 11)).toBeNull();
    expect(activeMention("no mention", 10)).toBeNull();
  });

  it("matches names and emails by prefix or word, and writes shared names as emails", () => {
    expect(matchMembers(members, "li").map((m) => m.userId)).toEqual(["1"]);
    expect(matchMembers(members, "bo").map((m) => m.userId)).toEqual(["2", "3"]);
    expect(mentionLabel(members[0]!, members)).toBe("Ana Lima");
    expect(mentionLabel(members[1]!, members)).toBe("bo@example.com");
  });

  it("replaces the typed query with the mention and moves the caret after it", () => {
    expect(insertMention("hi @an there", 3, 6, "Ana Lima")).toEqual({
      text: "hi @Ana Lima  there",
      caret: 13,
    });
  });

  it("splits a body into text and resolved mentions", () => {
    expect(splitMentions("ping @ana lima and @x", [{ name: "Ana Lima" }])).toEqual([
      { text: "ping ", isMention: false },
      { text: "@ana lima", isMention: true },
      { text: " and @x", isMention: false },
    ]);
  });
});
