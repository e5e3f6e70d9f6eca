import { AppError } from "../errors.js";
import { assertCan } from "../permissions.js";
import { createCaller } from "../root.js";
import { readImportEnv } from "../services/import/env.js";
import { formatBytes, receiveUpload } from "../services/import/receive-upload.js";
import { type Context, WORKSPACE_NOT_FOUND } from "../trpc.js";
import { answerErrors, notFoundOnBadInput, requireUserId } from "./error-response.js";

/**
 * `POST /api/workspaces/<slug>/imports?kind=customers|orders&fileName=orders.csv` with the file (CSV
 * or XLSX) as the raw body. The body is streamed to the data folder, never held in memory, and
 * refused with 413 as soon as it passes the upload limit (STRATA_UPLOAD_LIMIT_MB, default 200): up
 * front when Content-Length says so, else while it streams. Answers 201 with the pending import's id
 * and a preview for the mapping step; nothing is imported until `import.start`.
 */
export function handleImportUpload(
  request: Request,
  context: Context,
  params: { workspace: string },
): Promise<Response> {
  return answerErrors(async () => {
    const url = new URL(request.url);
    const kind = url.searchParams.get("kind");
    const fileName = (url.searchParams.get("fileName") ?? "upload").slice(0, 255);
    if (kind !== "customers" && kind !== "orders" && kind !== "activities") {
      throw new AppError(
        "BAD_REQUEST",
        "Say what the file holds: ?kind=customers, ?kind=orders or ?kind=activities.",
        "kind",
      );
    }
    const userId = requireUserId(context.userId);
    // Membership through the same tenant-checked procedure as the UI; a stranger's workspace is a 404.
    const tenant = await notFoundOnBadInput(
      createCaller(context).tenant.get({ workspace: params.workspace }),
      WORKSPACE_NOT_FOUND,
    );
    assertCan(tenant.role, "import.upload");
    const { uploadLimitBytes } = readImportEnv();
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > uploadLimitBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The file is larger than the upload limit of ${formatBytes(uploadLimitBytes)}. Split it, or ask the administrator to raise STRATA_UPLOAD_LIMIT_MB.`,
        "file",
      );
    }
    if (!request.body) throw new AppError("BAD_REQUEST", "The file is empty.", "file");
    const received = await receiveUpload(context.database, {
      tenantId: tenant.id,
      userId,
      kind,
      fileName,
      body: request.body as unknown as AsyncIterable<Uint8Array>,
      maxBytes: uploadLimitBytes,
    });
    return Response.json(received, { status: 201 });
  });
}
