import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

/** The audit log with the audit page's filters (CSV): see `handleAuditExport` in @strata/api. */
export async function GET(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  return api.handleAuditExport(request, await requestContext(request), await params);
}
