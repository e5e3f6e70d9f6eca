import { createCaller } from "../root.js";
import type { Context } from "../trpc.js";
import { csvHeaders, safeFileName } from "./download.js";
import { answerErrors, notFoundOnBadInput, requireUserId } from "./error-response.js";

/** RFC 4180 field: quoted when it holds a delimiter, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The memberships export's header (CONTRACT.md); more columns may follow it, never fewer. */
export const MEMBERSHIPS_CSV_HEADER = "customer_id,segment_set,segment,assigned_at";

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
    requireUserId(context.userId);
    const caller = createCaller(context);
    const page = (after?: string) =>
      caller.segment.exportPage({ workspace: params.workspace, segmentId: params.id, after });
    const first = await notFoundOnBadInput(page(), "Segment not found");
    const set = csvField(first.setName);
    const segment = csvField(first.segmentName);
    const lines = (rows: typeof first.rows) =>
      rows
        .map((r) => `${csvField(r.customerId)},${set},${segment},${r.assignedAt.toISOString()}\r\n`)
        .join("");
    const encoder = new TextEncoder();
    let next = first.next;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${MEMBERSHIPS_CSV_HEADER}\r\n${lines(first.rows)}`));
        if (next === null) controller.close();
      },
      async pull(controller) {
        if (next === null) return;
        try {
          const more = await page(next);
          controller.enqueue(encoder.encode(lines(more.rows)));
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
