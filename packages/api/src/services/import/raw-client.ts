import type { Tx } from "@strata/db";

/**
 * The connection under a drizzle transaction: a node-postgres PoolClient or a PGlite Transaction.
 * Bulk loading needs it (COPY streams on PostgreSQL, COPY from a blob on PGlite), which drizzle does
 * not expose; both have `query(text, params)` returning `{rows}`.
 */
export interface RawClient {
  query<T = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: { blob?: Blob },
  ): Promise<{ rows: T[]; affectedRows?: number; rowCount?: number | null }>;
}

export function rawClientOf(tx: Tx): RawClient {
  const session = (tx as unknown as { session?: { client?: RawClient } }).session;
  if (!session?.client) throw new Error("rawClientOf: the transaction exposes no connection");
  return session.client;
}
