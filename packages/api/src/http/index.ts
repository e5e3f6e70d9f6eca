/**
 * The REST front doors that tRPC cannot be (streamed uploads and downloads): framework-free handlers
 * from a standard `Request` to a `Response`, given the same `Context` as tRPC. The web app's route
 * files only build the context and pass the route parameters.
 */
export { type ErrorBody, type ErrorDetail, toErrorResponse } from "./error-response.js";
export { handleRejectedReport } from "./rejected-report.js";
export { handleSegmentExport, MEMBERSHIPS_CSV_HEADER } from "./segment-export.js";
export { limitRequestBody, trpcRequestHandler } from "./trpc-handler.js";
export { handleImportUpload } from "./upload-import.js";
