import { APP_VERSION } from "@/env";
import { getReadyDatabase } from "@/server/database";
import { startupState } from "@/server/start";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 5_000;

/** Liveness and database reachability: 200 when a query round-trips, 503 with the reason when not. */
export async function GET(): Promise<Response> {
  try {
    const driver = await withTimeout(
      (async () => {
        const database = await getReadyDatabase();
        await database.query("select 1");
        return database.driver;
      })(),
      TIMEOUT_MS,
    );
    // `startup` says whether start-up work (demo seed, run consumer) is done; the start script waits for it.
    return Response.json({ status: "ok", database: driver, version: APP_VERSION, startup: startupState() });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return Response.json(
      { status: "error", reason: `database unreachable: ${reason}`, version: APP_VERSION },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
