import { APP_VERSION } from "@/env";
import { getReadyDatabase } from "@/server/database";
import { startupState } from "@/server/start";
import { healthResponse } from "./health-check";

export const dynamic = "force-dynamic";

/** Liveness and database reachability: 200 when a query round-trips, 503 with a fixed reason when not. */
export function GET(): Promise<Response> {
  return healthResponse({
    check: async () => {
      const database = await getReadyDatabase();
      await database.query("select 1");
      return database.driver;
    },
    version: APP_VERSION,
    startup: startupState,
  });
}
