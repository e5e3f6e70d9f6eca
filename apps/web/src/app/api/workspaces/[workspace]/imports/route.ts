import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

/** Upload of a customers or orders file: see `handleImportUpload` in @strata/api. */
export async function POST(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  return api.handleImportUpload(request, await requestContext(request), await params);
}
