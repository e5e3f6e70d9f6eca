import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * PGlite is single-process: opening the data folder while the server has it open corrupts it.
 * The server is found by a pid file in the folder (when the server writes one) or by its health
 * endpoint answering on PORT with the embedded database.
 */
export async function findRunningEmbeddedServer(dataDir: string, port: number): Promise<string | null> {
  const pidFile = join(dataDir, "server.pid");
  if (existsSync(pidFile)) {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8"), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      return `the Strata server (process ${pid}) has the embedded database in ${dataDir} open`;
    }
  }
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(1500),
    });
    const body = (await response.json().catch(() => ({}))) as { database?: string };
    if (body.database === "pglite") {
      return `a Strata server on port ${port} is running with the embedded database`;
    }
  } catch {
    // Nothing answers: no server.
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
