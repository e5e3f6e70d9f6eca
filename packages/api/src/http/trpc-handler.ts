import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_MAX_BATCH_SIZE, TRPC_MAX_BODY_BYTES } from "../request-limits.js";
import { appRouter } from "../root.js";
import { formatBytes } from "../services/import/receive-upload.js";
import type { Context } from "../trpc.js";

function bodyTooLarge(limit: number): TRPCError {
  return new TRPCError({
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than the limit of ${formatBytes(limit)}. Upload files through the import page.`,
  });
}

/**
 * The request with its body cut off at `limit` bytes: reading past it fails with PAYLOAD_TOO_LARGE,
 * which tRPC answers as a 413 in its own error shape. Checked as the body streams (Content-Length
 * may be absent or wrong), and up front when Content-Length already says too much.
 */
export function limitRequestBody(request: Request, limit: number): Request {
  if (!request.body) return request;
  const declared = Number(request.headers.get("content-length") ?? "0");
  let size = 0;
  const limited = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        if (declared > limit) controller.error(bodyTooLarge(limit));
      },
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) controller.error(bodyTooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: limited,
    signal: request.signal,
    duplex: "half",
  } as RequestInit);
}

/**
 * The tRPC endpoint (`/api/trpc/*`) for a standard Request, with the request limits: at most
 * TRPC_MAX_BATCH_SIZE calls per batch (400) and a body of at most TRPC_MAX_BODY_BYTES (413).
 */
export function trpcRequestHandler(
  request: Request,
  createContext: () => Promise<Context>,
  options: { endpoint?: string; maxBodyBytes?: number } = {},
): Promise<Response> {
  return fetchRequestHandler({
    endpoint: options.endpoint ?? "/api/trpc",
    req: limitRequestBody(request, options.maxBodyBytes ?? TRPC_MAX_BODY_BYTES),
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext,
  });
}
