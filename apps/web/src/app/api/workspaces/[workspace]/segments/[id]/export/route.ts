import { trpcErrorCode } from "@/lib/errors";
import { errorResponse, routeCaller } from "@/server/route-caller";

export const dynamic = "force-dynamic";

/** RFC 4180 field: quoted when it holds a delimiter, quote or line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A segment's memberships as CSV (`customer_id,segment_set,segment,assigned_at`, CONTRACT.md),
 * streamed page by page through the same tenant-checked procedure the UI uses, so an export of any
 * size holds one page in memory.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
) {
  const { workspace, id } = await params;
  const signedIn = await routeCaller(request);
  if (signedIn instanceof Response) return signedIn;
  const { caller } = signedIn;
  let first: Awaited<ReturnType<typeof caller.segment.exportPage>>;
  try {
    first = await caller.segment.exportPage({ workspace, segmentId: id });
  } catch (error) {
    const code = trpcErrorCode(error) ?? "INTERNAL_SERVER_ERROR";
    const message = code === "INTERNAL_SERVER_ERROR" ? "The export failed." : (error as Error).message;
    return errorResponse(code, message);
  }
  const encoder = new TextEncoder();
  const set = csvField(first.setName);
  const segment = csvField(first.segmentName);
  const lines = (rows: typeof first.rows) =>
    rows.map((r) => `${csvField(r.customerId)},${set},${segment},${r.assignedAt.toISOString()}\r\n`).join("");
  let next = first.next;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(`customer_id,segment_set,segment,assigned_at\r\n${lines(first.rows)}`),
      );
      if (next === null) controller.close();
    },
    async pull(controller) {
      if (next === null) return;
      try {
        const page = await caller.segment.exportPage({ workspace, segmentId: id, after: next });
        controller.enqueue(encoder.encode(lines(page.rows)));
        next = page.next;
        if (next === null) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const fileName = `${first.segmentName.replace(/[^\w.-]+/g, "-").replace(/^-|-$/g, "") || "segment"}.csv`;
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
}
