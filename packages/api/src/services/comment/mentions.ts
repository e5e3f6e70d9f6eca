/** A member a comment may @mention. */
export interface MentionableMember {
  userId: string;
  name: string;
  email: string;
}

// A character that may continue a name or an address: after a match, the mention must end here.
const WORD_CHAR = /[\p{L}\p{N}_@.-]/u;

function endsAt(text: string, index: number): boolean {
  const next = text.charAt(index);
  if (next === "") return true;
  // A trailing full stop ends a sentence, not the mention ("thanks @Ana.").
  if (next === "." && !WORD_CHAR.test(text.charAt(index + 1))) return true;
  return !WORD_CHAR.test(next);
}

/**
 * The members a comment @mentions, in the order they first appear. A mention is `@` then a member's
 * email or display name (case-insensitive; names may have spaces), at the start of the text or after
 * a non-word character, so the `@` inside an email address written in the text is not one. Where two
 * members match at the same `@` ("@Ana" and "@Ana Lima") the longer wins. Anything else after `@` is
 * plain text: only members of the workspace can be mentioned, so nobody outside it is ever notified.
 */
export function findMentions(body: string, members: readonly MentionableMember[]): string[] {
  const lower = body.toLowerCase();
  const keys = members
    .flatMap((m) => [m.email, m.name].map((key) => ({ userId: m.userId, key: key.trim().toLowerCase() })))
    .filter((k) => k.key.length > 0)
    // Longest first, so the first key that matches at a position is the longest one there.
    .sort((a, b) => b.key.length - a.key.length);
  const found: string[] = [];
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    if (at > 0 && WORD_CHAR.test(lower.charAt(at - 1))) continue;
    const start = at + 1;
    const match = keys.find((k) => lower.startsWith(k.key, start) && endsAt(lower, start + k.key.length));
    if (match && !found.includes(match.userId)) found.push(match.userId);
  }
  return found;
}

/** A short excerpt of a comment for the audit trail and notifications: the text itself stays in the thread. */
export function excerptOf(body: string, max = 80): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
