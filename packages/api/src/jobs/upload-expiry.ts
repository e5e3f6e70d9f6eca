import { rm } from "node:fs/promises";
import type { Database } from "@strata/db";
import { sql } from "drizzle-orm";
import { readQuotaEnv } from "../services/quota/env.js";
import { withImportRecovery } from "./import-recovery.js";
import { queryRows } from "./run-data.js";

export interface ExpiredUpload {
  id: string;
  tenantId: string;
  path: string;
}

/**
 * Uploads are not kept forever: a file uploaded but never started (a pending import) older than
 * `olderThanHours` (STRATA_UPLOAD_RETENTION_HOURS, a day) is deleted and its import marked failed
 * with the reason; so is the file kept by a failed or rejected import (kept so it can be started
 * again) that long after it ended. The rows are updated first, under row locks (SKIP LOCKED: several
 * consumers may sweep at once), so nobody can start an import whose file is about to go.
 */
export async function expireUploads(
  database: Database,
  options: { olderThanHours?: number } = {},
): Promise<ExpiredUpload[]> {
  const hours = options.olderThanHours ?? readQuotaEnv().uploadRetentionHours;
  const message = `The file was not imported within ${hours} hours of its upload, so it was deleted. Upload it again.`;
  const expired = await withImportRecovery(database, (tx) =>
    queryRows<{ id: string; tenant_id: string; path: string }>(
      tx,
      sql`
      with old as (
        select id, upload_path as path
        from imports
        where upload_path is not null
          and (
            (status = 'pending' and created_at < now() - make_interval(secs => ${hours * 3600}))
            or (status in ('failed', 'rejected')
                and coalesce(finished_at, created_at) < now() - make_interval(secs => ${hours * 3600}))
          )
        order by created_at
        limit 500
        for update skip locked
      )
      update imports i set
        upload_path = null,
        status = case when i.status = 'pending' then 'failed'::import_status else i.status end,
        stage = case when i.status = 'pending' then 'done' else i.stage end,
        error = case when i.status = 'pending' then ${message} else i.error end,
        finished_at = coalesce(i.finished_at, now())
      from old
      where i.id = old.id
      returning i.id, i.tenant_id, old.path`,
    ),
  );
  for (const row of expired) await rm(row.path, { force: true });
  return expired.map((r) => ({ id: r.id, tenantId: r.tenant_id, path: r.path }));
}
