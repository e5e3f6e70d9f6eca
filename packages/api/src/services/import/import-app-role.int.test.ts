import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, createTestDb, type Database, readDbEnv, type TestDatabase } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveUpload } from "./receive-upload.js";
import { startImport, waitForImport } from "./start-import.js";

// A production install logs the app in as a non-superuser member of strata_app (docker/initdb). Such
// a login may not turn the per-line foreign key check off, which a superuser's load does: its orders
// load takes the checked path, and must come out the same. PostgreSQL only (PGlite has one user).
const serverUrl = readDbEnv().DATABASE_URL;

const ORDERS_CSV =
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
  "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n" +
  "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" +
  "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,United Kingdom\n" +
  "536369,21756,BATH BUILDING BLOCK WORD,3,2011-02-11 08:35:00,5.95,12583,France\n" +
  "536369,21756,BATH BUILDING BLOCK WORD,3,2011-02-11 08:35:00,5.95,12583,France\n";

describe.skipIf(!serverUrl)("an orders import by a non-superuser app login on postgres", () => {
  const role = `strata_import_${randomBytes(5).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  let database: TestDatabase;
  let app: Database;
  let dataDir: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDb("postgres");
    const name = (await database.query<{ name: string }>("select current_database() as name")).rows[0]!.name;
    await database.query(
      `create role ${role} login nosuperuser nocreaterole nocreatedb password '${password}'`,
    );
    await database.query(`grant strata_app to ${role}`);
    const url = new URL(serverUrl as string);
    url.username = role;
    url.password = password;
    url.pathname = `/${name}`;
    app = await createDatabase({ url: url.toString() });
    dataDir = mkdtempSync(join(tmpdir(), "strata-import-role-"));
    tenantId = (
      await database.query<{ id: string }>(
        "insert into tenants (slug, name) values ('acme', 'Acme') returning id",
      )
    ).rows[0]!.id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    // Roles are cluster-wide: dropped here, while the test database (which the role owns nothing in) is open.
    await database?.query(`drop role if exists ${role}`);
    await database?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function importOrders() {
    const received = await receiveUpload(app, {
      tenantId,
      userId: null,
      kind: "orders",
      fileName: "orders.csv",
      body: (async function* () {
        yield Buffer.from(ORDERS_CSV);
      })(),
      dataDir,
    });
    await startImport(app, {
      tenantId,
      importId: received.importId,
      mapping: received.preview.mapping,
      onInvalid: "reject_file",
      dataDir,
    });
    const outcome = await waitForImport(received.importId);
    if (!outcome) throw new Error("the import did not run");
    return outcome;
  }

  const scalar = async (query: string) =>
    Number((await database.query<{ n: string | number }>(query, [tenantId])).rows[0]?.n ?? 0);

  it("loads every line checked against its customer, moves the lines' version once, and adds nothing again", async () => {
    const first = await importOrders();
    expect(first.status).toBe("succeeded");
    expect(await scalar("select count(*) as n from order_lines where tenant_id = $1")).toBe(5);
    expect(await scalar("select count(*) as n from customers where tenant_id = $1")).toBe(3);
    expect(await scalar("select count(*) as n from customer_features where tenant_id = $1")).toBe(3);
    const version = await scalar("select version as n from order_line_versions where tenant_id = $1");
    expect(version).toBeGreaterThan(0);

    const again = await importOrders();
    expect(again.status).toBe("succeeded");
    expect(await scalar("select count(*) as n from order_lines where tenant_id = $1")).toBe(5);
    expect(await scalar("select version as n from order_line_versions where tenant_id = $1")).toBe(version);
  });
});
