import { z } from "zod";

export const createTenantInput = z.object({
  name: z.string().trim().min(1, "Name the workspace").max(80),
  slug: z.string().trim().max(48).optional(),
});

export const updateTenantSettingsInput = z.object({
  data: z.object({
    /** Editors may approve segment definitions (admins and owners always may). */
    editorsCanApprove: z.boolean().optional(),
  }),
});
