import { type Database, tenants, withTenant } from "@strata/db";
import { eq } from "drizzle-orm";
import { type AuditEventInput, recordAuditEvent } from "./record-audit-event.js";

/**
 * Records a download (an export) by a member. Downloads are streamed by the REST handlers outside
 * one tenant transaction, so the event is written in its own, once the first page has been read
 * through the tenant-checked procedure: a caller who got this far is a member allowed to export.
 */
export async function recordDownload(
  database: Database,
  params: { workspace: string } & Omit<AuditEventInput, "tenantId">,
): Promise<void> {
  const { workspace, ...event } = params;
  const [tenant] = await database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, workspace.toLowerCase()))
    .limit(1);
  if (!tenant) return;
  await withTenant(database.db, tenant.id, (tx) => recordAuditEvent(tx, { ...event, tenantId: tenant.id }));
}
