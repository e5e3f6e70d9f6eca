import { trpcErrorCode } from "@/lib/errors";
import { api, auth } from "@/server/modules";
import { errorResponse, routeCaller } from "@/server/route-caller";

export const dynamic = "force-dynamic";

function fail(code: string, message: string, details: unknown[] = []) {
  return errorResponse(code, message, details);
}

/**
 * Upload of a customers or orders file (CSV or XLSX) as the raw request body:
 * `POST /api/workspaces/<slug>/imports?kind=orders&fileName=orders.csv`. The body is streamed to the
 * data folder (never held in memory) and refused with 413 once it passes the upload limit
 * (STRATA_UPLOAD_LIMIT_MB, default 200). Answers 201 with the pending import's id and a preview for
 * the mapping step; nothing is imported until `import.start`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const url = new URL(request.url);
  const kind = url.searchParams.get("kind");
  const fileName = (url.searchParams.get("fileName") ?? "upload").slice(0, 255);
  if (kind !== "customers" && kind !== "orders") {
    return fail("BAD_REQUEST", "Say what the file holds: ?kind=customers or ?kind=orders.");
  }
  const signedIn = await routeCaller(request);
  if (signedIn instanceof Response) return signedIn;
  const { database, userId, caller } = signedIn;
  let tenant: { id: string; role: Parameters<typeof auth.hasRole>[0] };
  try {
    tenant = await caller.tenant.get({ workspace });
  } catch (error) {
    const code = trpcErrorCode(error) ?? "INTERNAL_SERVER_ERROR";
    return fail(code === "BAD_REQUEST" ? "NOT_FOUND" : code, "Workspace not found");
  }
  if (!auth.hasRole(tenant.role, "editor")) {
    return fail("FORBIDDEN", `Importing needs the editor role or higher; you are ${tenant.role}.`);
  }
  const { uploadLimitBytes } = api.readImportEnv();
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > uploadLimitBytes) {
    return fail(
      "PAYLOAD_TOO_LARGE",
      `The file is larger than the upload limit of ${api.formatBytes(uploadLimitBytes)}. Split it, or ask the administrator to raise STRATA_UPLOAD_LIMIT_MB.`,
    );
  }
  if (!request.body) return fail("BAD_REQUEST", "The file is empty.");
  try {
    const received = await api.receiveUpload(database, {
      tenantId: tenant.id,
      userId,
      kind,
      fileName,
      body: request.body as unknown as AsyncIterable<Uint8Array>,
      maxBytes: uploadLimitBytes,
    });
    return Response.json(received, { status: 201 });
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; field?: string };
    if (e.name === "AppError" && e.code)
      return fail(e.code, e.message ?? "The upload failed.", e.field ? [{ field: e.field }] : []);
    console.error("[imports] upload failed:", e.message);
    return fail("INTERNAL_SERVER_ERROR", "The upload failed.");
  }
}
