import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { trpcErrorCode } from "@/lib/errors";
import { api, db } from "@/server/modules";
import { routeCaller } from "@/server/route-caller";

export const dynamic = "force-dynamic";

/** The rejected-rows report of an import: CSV with the header `line,column,value,reason` (CONTRACT.md). */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
) {
  const { workspace, id } = await params;
  const signedIn = await routeCaller(request);
  if (signedIn instanceof Response) return signedIn;
  const { database, caller } = signedIn;
  let path: string;
  let fileName: string;
  try {
    // Reading the import through its procedure checks membership; the path stays on the server.
    const found = await caller.import.get({ workspace, id });
    fileName = found.fileName;
    const tenant = await caller.tenant.get({ workspace });
    path = await db.withTenant(database.db, tenant.id, (tx) =>
      api.getRejectedReportPath(tx, { tenantId: tenant.id, id }),
    );
  } catch (error) {
    const code = trpcErrorCode(error) ?? (error as { code?: string }).code ?? "NOT_FOUND";
    const message =
      code === "INTERNAL_SERVER_ERROR" ? "The report is not available." : (error as Error).message;
    return Response.json(
      { error: { code, message } },
      { status: code === "NOT_FOUND" || code === "BAD_REQUEST" ? 404 : 500 },
    );
  }
  const base = fileName.replace(/\.[^.]+$/, "").replace(/[^\w.-]+/g, "-") || "import";
  const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${base}-rejected-rows.csv"`,
      "cache-control": "no-store",
    },
  });
}
