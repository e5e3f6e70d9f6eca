import { z } from "zod";
import { runConfigSchema } from "../services/run/run-config.js";

export { type RunConfig, type RunConfigInput, runConfigSchema } from "../services/run/run-config.js";

export const createRunInput = z.object({
  name: z.string().trim().max(120).optional(),
  config: runConfigSchema.prefault({}),
});

export const getRunInput = z.object({ id: z.uuid("Not a run id") });
export const cancelRunInput = getRunInput;
export const retryRunInput = getRunInput;

export const listRunsInput = z.object({
  limit: z.int().min(1).max(100).default(20),
  cursor: z.object({ createdAt: z.date(), id: z.uuid() }).optional(),
});
