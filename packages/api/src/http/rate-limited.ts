import { enforceRateLimits, restLimits } from "../services/rate-limit/enforce-rate-limits.js";
import type { Context } from "../trpc.js";
import { answerErrors } from "./error-response.js";

type RestHandler<P extends { workspace: string }> = (
  request: Request,
  context: Context,
  params: P,
) => Promise<Response>;

/**
 * A REST handler behind the REST rate limits (per caller and per workspace, RATE_LIMITS in
 * @strata/auth): over them, 429 with Retry-After before the handler reads anything.
 */
export function rateLimited<P extends { workspace: string }>(handler: RestHandler<P>): RestHandler<P> {
  return (request, context, params) =>
    answerErrors(async () => {
      await enforceRateLimits(context.database, restLimits(context, params.workspace));
      return handler(request, context, params);
    });
}
