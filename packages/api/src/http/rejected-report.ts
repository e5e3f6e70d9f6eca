import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { CsvParser, type CsvRecord } from "@strata/core";
import { withTenant } from "@strata/db";
import { csvHeaderLine, toCsv } from "../csv.js";
import { createCaller } from "../root.js";
import { getRejectedReportPath, personalColumnsOf } from "../services/import/get-import.js";
import { canSeePersonal, MASKED } from "../services/privacy/personal-columns.js";
import { type Context, WORKSPACE_NOT_FOUND } from "../trpc.js";
import { csvHeaders, safeFileName } from "./download.js";
import { answerErrors, notFoundOnBadInput, requireUserId } from "./error-response.js";

/** Rewrites a report as `line,column,value,reason`, with the values of personal columns masked. */
function withoutPersonal(personal: ReadonlySet<string>): TransformStream<Uint8Array, Uint8Array> {
  const parser = new CsvParser({ delimiter: "," });
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let isHeader = true;
  const rewrite = (records: CsvRecord[]): Uint8Array => {
    const rows: string[][] = [];
    for (const r of records) {
      const [line = "", column = "", value = "", reason = ""] = r.fields;
      if (isHeader) {
        isHeader = false;
        continue;
      }
      rows.push([line, column, personal.has(column) ? MASKED : value, reason]);
    }
    return encoder.encode(toCsv(rows));
  };
  return new TransformStream({
    start(controller) {
      controller.enqueue(encoder.encode(csvHeaderLine(["line", "column", "value", "reason"])));
    },
    transform(chunk, controller) {
      controller.enqueue(rewrite(parser.push(decoder.decode(chunk, { stream: true }))));
    },
    flush(controller) {
      controller.enqueue(rewrite([...parser.push(decoder.decode()), ...parser.end()]));
    },
  });
}

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
    const { path, personal } = await withTenant(context.database.db, tenant.id, async (tx) => ({
      path: await getRejectedReportPath(tx, { tenantId: tenant.id, id: found.id }),
      personal: await personalColumnsOf(tx, tenant.id, found.mapping),
    }));
    const base = safeFileName(found.fileName.replace(/\.[^.]+$/, ""), "import");
    const file = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
    // Viewers get the contract's four columns (not the whole original row) and no personal value.
    const body =
      canSeePersonal(tenant.role) || personal.size === 0 ? file : file.pipeThrough(withoutPersonal(personal));
    return new Response(body, { headers: csvHeaders(`${base}-rejected-rows.csv`) });
  });
}
