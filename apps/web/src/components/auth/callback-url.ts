/**
 * The post-sign-in destination, if it is a path on this site; `fallback` otherwise. Browsers drop
 * tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil.example" and
 * "/\\evil.example" both lead to another host like "//evil.example" does: all three are refused,
 * as are other control characters and anything that is not a path.
 */
export function safeCallbackUrl(value: string | string[] | undefined | null, fallback = "/"): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (typeof url !== "string" || url.length === 0 || url.length > 2048) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(url)) return fallback;
  if (!url.startsWith("/") || url.startsWith("//")) return fallback;
  // Resolve against a placeholder origin: whatever the browser would make of it must stay there.
  const base = "http://strata.invalid";
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
