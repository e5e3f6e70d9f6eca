import { z } from "zod";

export const getDatasetInput = z.object({ id: z.uuid("Not a dataset id") });
