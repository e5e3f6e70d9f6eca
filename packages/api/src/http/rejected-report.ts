import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { withTenant } from "@strata/db";
import { createCaller } from "../root.js";
import { getRejectedReportPath } from "../services/import/get-import.js";
import { type Context, WORKSPACE_NOT_FOUND } from "../trpc.js";
import { csvHeaders, safeFileName } from "./download.js";
import { answerErrors, notFoundOnBadInput, requireUserId } from "./error-response.js";

/**
 * `GET /api/workspaces/<slug>/imports/<id>/rejected`: an import's rejected-rows report, the CSV the
 * import wrote (header `line,column,value,reason`, CONTRACT.md), streamed from the data folder. The
 * import is read through its tenant-checked procedure first, so another tenant's import is a 404;
 * the file's path never leaves the server.
 */
export function handleRejectedReport(
  _request: Request,
  context: Context,
  params: { workspace: string; id: string },
): Promise<Response> {
  return answerErrors(async () => {
    requireUserId(context.userId);
    const caller = createCaller(context);
    const tenant = await notFoundOnBadInput(
      caller.tenant.get({ workspace: params.workspace }),
      WORKSPACE_NOT_FOUND,
    );
    const found = await notFoundOnBadInput(
      caller.import.get({ workspace: params.workspace, id: params.id }),
      "Import not found",
    );
    const path = await withTenant(context.database.db, tenant.id, (tx) =>
      getRejectedReportPath(tx, { tenantId: tenant.id, id: found.id }),
    );
    const base = safeFileName(found.fileName.replace(/\.[^.]+$/, ""), "import");
    const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, { headers: csvHeaders(`${base}-rejected-rows.csv`) });
  });
}
