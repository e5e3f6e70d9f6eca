import pg from "pg";
import { pgliteOf, poolOf } from "./client.js";
import type { Database } from "./types.js";

/** How long a dropped LISTEN connection waits before it connects again. */
const RECONNECT_MS = 1_000;

/**
 * Calls `onNotify` for every NOTIFY on `channel` until the returned function stops listening.
 * On PostgreSQL a connection of its own holds the LISTEN and connects again when it drops (a
 * restart, a failover); a notification sent while it is away is lost, so whoever listens keeps a
 * slower poll as well (a database that cannot be reached yet is tried again the same way).
 * `channel` must be a plain identifier.
 */
export async function listen(
  database: Database,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  const pglite = pgliteOf(database);
  if (pglite) {
    const unlisten = await pglite.listen(channel, () => onNotify());
    return () => unlisten();
  }
  const pool = poolOf(database);
  if (!pool) throw new Error("listen needs a PGlite or PostgreSQL database");
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client(pool.options);
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify();
    });
    const reconnect = () => {
      if (stopped || client !== next) return;
      client = undefined;
      next.end().catch(() => undefined);
      retry = setTimeout(connect, RECONNECT_MS);
      retry.unref();
    };
    next.on("error", reconnect);
    next.on("end", reconnect);
    client = next;
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
    } catch {
      reconnect();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
