import { z } from "zod";

export const createTenantInput = z.object({
  name: z.string().trim().min(1, "Name the workspace").max(80),
  slug: z.string().trim().max(48).optional(),
});
