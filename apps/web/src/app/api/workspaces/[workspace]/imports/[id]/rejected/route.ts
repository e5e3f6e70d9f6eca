import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

/** An import's rejected-rows report (CSV): see `handleRejectedReport` in @strata/api. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
) {
  return api.handleRejectedReport(request, await requestContext(request), await params);
}
