/**
 * What the live preview reads on every keystroke but which changes only with new data: the field
 * catalogue and the workspace's customer count, kept per process for a minute. Saving a rule
 * never reads from here.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 500;
const entries = new Map<string, { at: number; value: Promise<unknown> }>();

export function cachedForLivePreview<T>(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  const value = load();
  entries.set(key, { at: now, value });
  // A failed load is not kept.
  value.catch(() => entries.delete(key));
  return value;
}
