import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openHarness } from "../../test/harness.js";
import { createContext } from "../trpc.js";
import type { ErrorBody } from "./error-response.js";
import { handleImportUpload, handleRejectedReport, handleSegmentExport } from "./index.js";

const CSV = "customer_id,name\nC1,Ada\nC2,Grace\n";
const MISSING_ID = "00000000-0000-4000-8000-000000000000";

// The REST front doors, called as the web app's route files call them: a standard Request, the
// same context tRPC gets, the route's parameters.
describe.each(testDrivers())("REST handlers on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let importDir: string;
  let a: Awaited<ReturnType<typeof h.newWorkspace>>;
  let b: Awaited<ReturnType<typeof h.newWorkspace>>;
  let importId: string;

  const context = (userId: string | null) => createContext({ database: h.database, userId });
  const url = (path: string) => `http://localhost/api/workspaces/${path}`;
  const upload = (
    workspace: string,
    userId: string | null,
    init: RequestInit = {},
    query = "kind=customers",
  ) =>
    handleImportUpload(
      new Request(url(`${workspace}/imports?${query}&fileName=people.csv`), {
        method: "POST",
        body: CSV,
        ...init,
      }),
      context(userId),
      { workspace },
    );
  const rejected = (workspace: string, id: string, userId: string | null) =>
    handleRejectedReport(new Request(url(`${workspace}/imports/${id}/rejected`)), context(userId), {
      workspace,
      id,
    });
  const errorOf = async (response: Response) => (await response.json()) as ErrorBody;

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-http-"));
    vi.stubEnv("STRATA_IMPORT_DIR", importDir);
    a = await h.newWorkspace("a");
    b = await h.newWorkspace("b");
    const response = await upload(a.workspace, a.owner.id);
    expect(response.status).toBe(201);
    importId = ((await response.json()) as { importId: string }).importId;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });

  it("an upload answers 201 with the pending import and its preview", async () => {
    const response = await upload(a.workspace, a.owner.id);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ fileName: "people.csv", preview: expect.any(Object) });
  });

  it("an upload is refused with 400, 401, 403 and 404 before a byte is stored", async () => {
    const noKind = await upload(a.workspace, a.owner.id, {}, "kind=invoices");
    expect(noKind.status).toBe(400);
    expect((await errorOf(noKind)).error.details).toEqual([{ field: "kind", message: expect.any(String) }]);

    expect((await upload(a.workspace, null)).status).toBe(401);

    const viewer = await h.addMember(a.owner.caller, a.workspace, "viewer");
    const forbidden = await upload(a.workspace, viewer.id);
    expect(forbidden.status).toBe(403);
    expect((await errorOf(forbidden)).error.message).toBe(
      "This needs the editor role or higher; you are viewer.",
    );

    const stranger = await upload(a.workspace, b.owner.id);
    expect(stranger.status).toBe(404);
    expect(await errorOf(stranger)).toEqual({
      error: { code: "NOT_FOUND", message: "Workspace not found", details: [] },
    });
  });

  it("an upload past the limit is refused with 413 and a message saying what to do", async () => {
    vi.stubEnv("STRATA_UPLOAD_LIMIT_MB", "0.00001"); // 10 bytes
    try {
      const declared = await upload(a.workspace, a.owner.id, { headers: { "content-length": "5000000" } });
      expect(declared.status).toBe(413);
      const streamed = await upload(a.workspace, a.owner.id);
      expect(streamed.status).toBe(413);
      const { error } = await errorOf(streamed);
      expect(error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(error.message).toMatch(/larger than the upload limit.*STRATA_UPLOAD_LIMIT_MB/);
    } finally {
      vi.stubEnv("STRATA_UPLOAD_LIMIT_MB", "200");
    }
  });

  it("the rejected-rows report downloads as CSV for its own workspace", async () => {
    const report = join(importDir, "report.csv");
    writeFileSync(report, "line,column,value,reason\n3,name,,name is empty\n");
    await h.database.query("update imports set rejected_report_path = $1 where id = $2", [report, importId]);
    const response = await rejected(a.workspace, importId, a.owner.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="people-rejected-rows.csv"',
    );
    expect((await response.text()).split("\n")[0]).toBe("line,column,value,reason");
  });

  it("another tenant's import is a 404, asked through either workspace", async () => {
    const throughOwn = await rejected(b.workspace, importId, b.owner.id);
    expect(throughOwn.status).toBe(404);
    expect(await errorOf(throughOwn)).toEqual({
      error: { code: "NOT_FOUND", message: "Import not found", details: [] },
    });
    const throughTheirs = await rejected(a.workspace, importId, b.owner.id);
    expect(throughTheirs.status).toBe(404);
    expect((await errorOf(throughTheirs)).error.message).toBe("Workspace not found");
    expect((await rejected(a.workspace, "not-an-id", a.owner.id)).status).toBe(404);
    expect((await rejected(a.workspace, importId, null)).status).toBe(401);
  });

  it("a segment that is not there exports nothing: 404", async () => {
    const response = await handleSegmentExport(
      new Request(url(`${a.workspace}/segments/${MISSING_ID}/export`)),
      context(a.owner.id),
      { workspace: a.workspace, id: MISSING_ID },
    );
    expect(response.status).toBe(404);
    expect((await errorOf(response)).error.code).toBe("NOT_FOUND");
  });
});
