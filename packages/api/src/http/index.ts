/**
 * The REST front doors that tRPC cannot be (streamed uploads and downloads): framework-free handlers
 * from a standard `Request` to a `Response`, given the same `Context` as tRPC. The web app's route
 * files only build the context and pass the route parameters. Each is rate limited here.
 */
import { handleAuditExport as auditExport } from "./audit-export.js";
import { rateLimited } from "./rate-limited.js";
import { handleRejectedReport as rejectedReport } from "./rejected-report.js";
import { handleSegmentExport as segmentExport } from "./segment-export.js";
import { handleImportUpload as importUpload } from "./upload-import.js";

export { AUDIT_CSV_HEADER } from "./audit-export.js";
export { type ErrorBody, type ErrorDetail, toErrorResponse } from "./error-response.js";
export { rateLimited } from "./rate-limited.js";
export { MEMBERSHIPS_CSV_HEADER } from "./segment-export.js";
export { limitRequestBody, trpcRequestHandler } from "./trpc-handler.js";

export const handleAuditExport = rateLimited(auditExport);
export const handleImportUpload = rateLimited(importUpload);
export const handleRejectedReport = rateLimited(rejectedReport);
export const handleSegmentExport = rateLimited(segmentExport);
