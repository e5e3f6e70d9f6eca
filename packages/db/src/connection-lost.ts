// SQLSTATEs of a connection that went away: class 08 (connection exception) and the shutdown and
// termination codes of class 57 (admin_shutdown, crash_shutdown, cannot_connect_now).
const LOST_CODES = /^(08|57P0[123])/;
const LOST_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed|ECONNRESET|ECONNREFUSED|EPIPE|terminating connection/i;

/**
 * Whether `error` (or an error it wraps, e.g. drizzle's "Failed query") says the database connection
 * was lost: a restart, a failover, pg_terminate_backend. Such a failure is the infrastructure's, not
 * the work's: a job should be retried on a new connection rather than recorded as failed.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && LOST_CODES.test(code)) return true;
    if (typeof message === "string" && LOST_MESSAGES.test(message)) return true;
  }
  return false;
}
