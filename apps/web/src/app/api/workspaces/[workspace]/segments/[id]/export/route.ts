import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

/** A segment's memberships (CSV): see `handleSegmentExport` in @strata/api. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
) {
  return api.handleSegmentExport(request, await requestContext(request), await params);
}
