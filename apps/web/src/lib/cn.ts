/** Joins class names, skipping falsy ones (enough for our components; no merging of conflicting utilities). */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}
