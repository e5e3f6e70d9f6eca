/**
 * The body of `GET /api/health` (CONTRACT.md), apart from the route so it can be tested without a
 * server. The route is public, so a failure answers with fixed sentences only: a driver's message
 * can carry a host name, a user name, SQL or a file path. The error itself goes to the server log.
 */
export const DATABASE_UNREACHABLE = "The database cannot be reached.";
export const DATABASE_TIMED_OUT = "The database did not answer in time.";

const TIMEOUT_MS = 5_000;

export async function healthResponse(options: {
  /** Opens the database, runs a round trip and returns the driver's name ("pglite" | "postgres"). */
  check: () => Promise<string>;
  version: string;
  /** Whether start-up work (demo seed, run consumer) is done; the start script waits for it. */
  startup: () => unknown;
  timeoutMs?: number;
}): Promise<Response> {
  try {
    const driver = await withTimeout(options.check(), options.timeoutMs ?? TIMEOUT_MS);
    return Response.json(
      { status: "ok", database: driver, version: options.version, startup: options.startup() },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    const isTimeout = error instanceof HealthTimeout;
    console.error("[health] database check failed:", error);
    return Response.json(
      {
        status: "error",
        reason: isTimeout ? DATABASE_TIMED_OUT : DATABASE_UNREACHABLE,
        version: options.version,
      },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}

class HealthTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HealthTimeout(`no answer within ${ms} ms`)), ms);
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
