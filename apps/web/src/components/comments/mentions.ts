/** A member as the @mention menu shows them. */
export interface MentionCandidate {
  userId: string;
  name: string;
  email: string;
}

/**
 * The @mention being typed at the caret: the `@` must start the text or follow a space or bracket, and
 * what follows it up to the caret is the query (names have spaces, so a space does not end it; a
 * newline, or more than 40 characters, does).
 */
export function activeMention(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at === -1) return null;
  if (at > 0 && !/[\s([{"']/.test(before.charAt(at - 1))) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n\r]/.test(query) || /\s{2}/.test(query)) return null;
  return { start: at, query };
}

/** Members whose name or email starts with (or has a word starting with) the query, best first, at most `limit`. */
export function matchMembers(
  members: readonly MentionCandidate[],
  query: string,
  limit = 6,
): MentionCandidate[] {
  const q = query.trim().toLowerCase();
  const score = (m: MentionCandidate): number => {
    const name = m.name.toLowerCase();
    const email = m.email.toLowerCase();
    if (q === "") return 1;
    if (name.startsWith(q) || email.startsWith(q)) return 3;
    if (name.split(/\s+/).some((word) => word.startsWith(q))) return 2;
    return 0;
  };
  return members
    .map((m) => ({ m, s: score(m) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.m.name.localeCompare(b.m.name))
    .slice(0, limit)
    .map((x) => x.m);
}

/**
 * How a member is written after `@`: the display name when no other member shares it (readable), the
 * email otherwise (unambiguous). The server resolves either.
 */
export function mentionLabel(member: MentionCandidate, members: readonly MentionCandidate[]): string {
  const name = member.name.trim();
  const isShared = members.some(
    (m) => m.userId !== member.userId && m.name.trim().toLowerCase() === name.toLowerCase(),
  );
  return name && !isShared ? name : member.email;
}

/** The text with the mention being typed (from `start` to `caret`) replaced by `@label `, and the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  label: string,
): { text: string; caret: number } {
  const inserted = `@${label} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A comment body cut into plain text and the @mentions of members it resolved to, for highlighting. */
export function splitMentions(
  body: string,
  mentioned: ReadonlyArray<{ name: string | null; email?: string | null }>,
): Array<{ text: string; isMention: boolean }> {
  const keys = mentioned
    .flatMap((m) => [m.name, m.email])
    .filter((k): k is string => Boolean(k?.trim()))
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (keys.length === 0) return [{ text: body, isMention: false }];
  const pattern = new RegExp(`@(?:${keys.join("|")})`, "giu");
  const parts: Array<{ text: string; isMention: boolean }> = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ text: body.slice(last, index), isMention: false });
    parts.push({ text: match[0], isMention: true });
    last = index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), isMention: false });
  return parts;
}
