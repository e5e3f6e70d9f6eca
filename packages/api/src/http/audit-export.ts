import { toCsv } from "../csv.js";
import { createCaller } from "../root.js";
import type { AuditEventItem } from "../services/audit/list-audit-events.js";
import { recordDownload } from "../services/audit/record-download.js";
import type { Context } from "../trpc.js";
import { csvHeaders, safeFileName } from "./download.js";
import { answerErrors, requireUserId } from "./error-response.js";

/** The audit log export's columns; `details` is the event's details as JSON. */
export const AUDIT_CSV_HEADER = [
  "created_at",
  "actor_email",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "details",
] as const;

const PAGE_SIZE = 100;

/** Audit events as CSV lines through the one CSV writer (the header first when `isFirst`). */
export function auditCsv(items: readonly AuditEventItem[], isFirst: boolean): string {
  const rows = items.map((e) => [
    e.createdAt,
    e.actorEmail,
    e.actorName,
    e.action,
    e.targetType,
    e.targetId,
    JSON.stringify(e.details),
  ]);
  // A header with no events is still a file a spreadsheet opens.
  return isFirst ? toCsv(rows, AUDIT_CSV_HEADER) : toCsv(rows);
}

/**
 * The filters of the audit page from the query string, as given: `audit.list` validates them (after
 * checking the caller may read the log, so a stranger learns nothing from a 400).
 */
function filtersOf(request: Request) {
  const query = new URL(request.url).searchParams;
  const value = (name: string) => query.get(name)?.trim() || undefined;
  return {
    targetType: value("targetType"),
    targetId: value("targetId"),
    actorUserId: value("actorUserId"),
    from: value("from"),
    to: value("to"),
  };
}

/**
 * `GET /api/workspaces/<slug>/audit/export?targetType=&targetId=&actorUserId=&from=&to=`: the audit
 * log, with the audit page's filters, as CSV, newest first. Streamed page by page through `audit.list`
 * (admins and owners, as the page), so a long log holds one page in memory. Bad filters are a 400
 * naming the field; errors before the first byte are JSON errors, one after it aborts the download.
 * The export is itself an audit event.
 */
export function handleAuditExport(
  request: Request,
  context: Context,
  params: { workspace: string },
): Promise<Response> {
  return answerErrors(async () => {
    const userId = requireUserId(context.userId);
    const filters = filtersOf(request);
    const caller = createCaller(context);
    const page = (cursor?: string) =>
      caller.audit.list({ workspace: params.workspace, limit: PAGE_SIZE, cursor, ...filters });
    const first = await page();
    await recordDownload(context.database, {
      workspace: params.workspace,
      actorUserId: userId,
      action: "audit.exported",
      targetType: "audit",
      // The filters as given (empty ones left out), so the trail says what was exported.
      details: { filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) },
    });
    const encoder = new TextEncoder();
    let next = first.nextCursor;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(auditCsv(first.items, true)));
        if (next === null) controller.close();
      },
      async pull(controller) {
        if (next === null) return;
        try {
          const more = await page(next);
          controller.enqueue(encoder.encode(auditCsv(more.items, false)));
          next = more.nextCursor;
          if (next === null) controller.close();
        } catch (error) {
          console.error("[api] audit export stopped:", error);
          controller.error(new Error("The export stopped part way; download it again."));
        }
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: csvHeaders(`${safeFileName(`audit-${params.workspace}-${day}`, "audit")}.csv`),
    });
  });
}
