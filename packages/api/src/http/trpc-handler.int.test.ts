import { createTestDb, type TestDatabase } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_TOO_LARGE_MESSAGE, TRPC_MAX_BATCH_SIZE } from "../request-limits.js";
import { createContext } from "../trpc.js";
import { trpcRequestHandler } from "./trpc-handler.js";

interface TrpcErrorBody {
  error: { json: { message: string; data: { code: string; httpStatus: number } } };
}

// The tRPC endpoint as the web route calls it: request limits apply before any procedure runs.
describe("the tRPC endpoint's request limits", () => {
  let database: TestDatabase;
  const call = (request: Request) =>
    trpcRequestHandler(request, async () => createContext({ database, userId: null }));
  const batchOf = (n: number) => {
    const paths = Array.from({ length: n }, () => "health.get").join(",");
    const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]));
    return `http://localhost/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  };
  const signUp = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    new Request("http://localhost/api/trpc/account.signUp", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      duplex: "half",
    } as RequestInit);

  beforeAll(async () => {
    database = await createTestDb("pglite");
  });
  afterAll(() => database?.cleanup());

  it(`answers a batch of ${TRPC_MAX_BATCH_SIZE} calls`, async () => {
    const response = await call(new Request(batchOf(TRPC_MAX_BATCH_SIZE)));
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(TRPC_MAX_BATCH_SIZE);
  });

  it("refuses a bigger batch with 400 and says how many calls a batch may hold", async () => {
    const response = await call(new Request(batchOf(TRPC_MAX_BATCH_SIZE + 1)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as TrpcErrorBody;
    expect(body.error.json.message).toBe(BATCH_TOO_LARGE_MESSAGE);
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
  });

  it("refuses a body over 1 MB with 413, whether Content-Length says so or not, and creates nothing", async () => {
    const big = JSON.stringify({
      json: { email: "big@example.com", password: "x".repeat(2 * 1024 * 1024), name: "Big" },
    });
    const declared = await call(signUp(big, { "content-length": String(big.length) }));
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as TrpcErrorBody;
    expect(body.error.json.data.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.error.json.message).toMatch(/larger than the limit of 1(\.0)? MB/);

    const chunks = new TextEncoder().encode(big);
    const streamed = await call(
      signUp(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < chunks.length; at += 64 * 1024)
              controller.enqueue(chunks.slice(at, at + 64 * 1024));
            controller.close();
          },
        }),
      ),
    );
    expect(streamed.status).toBe(413);
    const users = await database.query<{ n: number }>("select count(*)::int as n from users");
    expect(users.rows[0]?.n).toBe(0);
  });

  it("reads a body under the limit as usual", async () => {
    const response = await call(
      signUp(
        JSON.stringify({ json: { email: "small@example.com", password: "plum-orchard-42", name: "Small" } }),
      ),
    );
    expect(response.status).toBe(200);
  });
});
