/**
 * At most this many calls in one batched tRPC request. The web client's batch link sends no more
 * (apps/web src/trpc/react.tsx `maxItems`); a bigger batch is someone making the server do
 * unbounded work for one request, refused with 400 before any call runs.
 */
export const TRPC_MAX_BATCH_SIZE = 10;

/**
 * The largest request body tRPC reads. The biggest real inputs (a cost model, a segment set with a
 * hundred described segments) are a few hundred kilobytes; files go through the upload route.
 */
export const TRPC_MAX_BODY_BYTES = 1024 * 1024;

/** tRPC's own words for a batch over `maxBatchSize`, replaced by the error formatter with ours. */
export const TRPC_BATCH_TOO_LARGE = "Batch call exceeds maximum size";

export const BATCH_TOO_LARGE_MESSAGE = `Too many calls in one request: a batch may hold at most ${TRPC_MAX_BATCH_SIZE}.`;
