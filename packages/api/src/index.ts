export type { CostModelActivityJson, CostModelJson } from "@strata/core";
export {
  AppError,
  type AppErrorCode,
  HTTP_STATUS,
  isUniqueViolation,
  type PublicError,
  toPublicError,
} from "./errors.js";
export {
  AUDIT_CSV_HEADER,
  type ErrorBody,
  type ErrorDetail,
  handleAuditExport,
  handleImportUpload,
  handleRejectedReport,
  handleSegmentExport,
  limitRequestBody,
  MEMBERSHIPS_CSV_HEADER,
  toErrorResponse,
  trpcRequestHandler,
} from "./http/index.js";
export {
  assertCan,
  can,
  isPermission,
  PERMISSIONS,
  type Permission,
  permissionsOf,
  requiredRole,
} from "./permissions.js";
export {
  BATCH_TOO_LARGE_MESSAGE,
  TRPC_MAX_BATCH_SIZE,
  TRPC_MAX_BODY_BYTES,
} from "./request-limits.js";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root.js";
export {
  DEFAULT_DEMO_PASSWORD,
  DEMO_EMAIL,
  DEMO_NAME,
  DEMO_WORKSPACE_NAME,
  DEMO_WORKSPACE_SLUG,
  seedDemoWorkspace,
} from "./seed.js";
export { recordAuditEvent } from "./services/audit/record-audit-event.js";
export { readImportEnv } from "./services/import/env.js";
export { getRejectedReportPath } from "./services/import/get-import.js";
export { formatBytes, receiveUpload } from "./services/import/receive-upload.js";
export { seedDemoData, startDemoDataSeeding } from "./services/import/seed-demo-data.js";
export { runningImports } from "./services/import/start-import.js";
export { buildFieldCatalogue } from "./services/segment-rules/build-field-catalogue.js";
export { assertValidRule, compileRuleSql } from "./services/segment-rules/compile-rule-sql.js";
export {
  NO_MATCH_WARNING,
  PREVIEW_WORK_MEM,
  type PreviewRuleParams,
  previewRule,
  type RulePreview,
} from "./services/segment-rules/preview-rule.js";
export {
  type Context,
  createCallerFactory,
  createContext,
  type ErrorData,
  protectedProcedure,
  publicProcedure,
  router,
  tenantProcedure,
  WORKSPACE_NOT_FOUND,
  workspaceInput,
} from "./trpc.js";
