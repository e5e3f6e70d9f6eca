import { runRequestSchema } from "@strata/contract";
import { z } from "zod";

export {
  type RunConfig,
  type RunConfigInput,
  runConfigSchema,
  runListSchema as listRunsOutput,
  runMapSchema as runMapOutput,
  runViewSchema as getRunOutput,
} from "@strata/contract";

/** The run form's request (the same schema drives the form in the browser). */
export const createRunInput = runRequestSchema;
export const getRunInput = z.object({ id: z.uuid("Not a run id") });
export const runMapInput = getRunInput.extend({ method: z.enum(["pca", "tsne"]).default("pca") });
export const cancelRunInput = getRunInput;
export const retryRunInput = getRunInput;

export const listRunsInput = z.object({
  limit: z.int().min(1).max(100).default(20),
  cursor: z.object({ createdAt: z.date(), id: z.uuid() }).optional(),
});
