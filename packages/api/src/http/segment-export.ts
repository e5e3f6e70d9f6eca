import { csvHeaderLine, toCsv } from "../csv.js";
import { createCaller } from "../root.js";
import { recordDownload } from "../services/audit/record-download.js";
import type { Context } from "../trpc.js";
import { csvHeaders, safeFileName } from "./download.js";
import { answerErrors, notFoundOnBadInput, requireUserId } from "./error-response.js";

/** The memberships export's header (CONTRACT.md); more columns may follow it, never fewer. */
export const MEMBERSHIPS_CSV_HEADER = "customer_id,segment_set,segment,assigned_at";

/**
 * One page of the export as CSV lines (the header when `isFirst`), through the one CSV writer. The
 * customer attributes the exporter may see follow the contract's columns, one column per key.
 */
export function membershipsCsv(
  page: {
    setName: string;
    segmentName: string;
    attributeKeys?: readonly string[];
    rows: ReadonlyArray<{ customerId: string; assignedAt: Date; attributes?: Record<string, unknown> }>;
  },
  isFirst: boolean,
): string {
  const keys = page.attributeKeys ?? [];
  // Ids and names come from users' files and forms: the writer neutralises formula cells.
  const body = toCsv(
    page.rows.map((r) => [
      r.customerId,
      page.setName,
      page.segmentName,
      r.assignedAt,
      ...keys.map((k) => cell(r.attributes?.[k])),
    ]),
  );
  return isFirst ? csvHeaderLine([...MEMBERSHIPS_CSV_HEADER.split(","), ...keys]) + body : body;
}

function cell(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/**
 * `GET /api/workspaces/<slug>/segments/<id>/export`: a segment's memberships as CSV, streamed page by
 * page through the same tenant-checked procedure the UI uses, so an export of any size holds one page
 * in memory. Errors before the first byte are JSON errors; one after it aborts the download.
 */
export function handleSegmentExport(
  _request: Request,
  context: Context,
  params: { workspace: string; id: string },
): Promise<Response> {
  return answerErrors(async () => {
    const userId = requireUserId(context.userId);
    const caller = createCaller(context);
    const page = (after?: string) =>
      caller.segment.exportPage({ workspace: params.workspace, segmentId: params.id, after });
    const first = await notFoundOnBadInput(page(), "Segment not found");
    await recordDownload(context.database, {
      workspace: params.workspace,
      actorUserId: userId,
      action: "segment.exported",
      targetType: "segment",
      targetId: params.id,
      details: { name: first.segmentName, setName: first.setName },
    });
    const encoder = new TextEncoder();
    let next = first.next;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(membershipsCsv(first, true)));
        if (next === null) controller.close();
      },
      async pull(controller) {
        if (next === null) return;
        try {
          const more = await page(next);
          controller.enqueue(encoder.encode(membershipsCsv(more, false)));
          next = more.next;
          if (next === null) controller.close();
        } catch (error) {
          console.error("[api] segment export stopped:", error);
          controller.error(new Error("The export stopped part way; download it again."));
        }
      },
    });
    return new Response(stream, { headers: csvHeaders(`${safeFileName(first.segmentName, "segment")}.csv`) });
  });
}
