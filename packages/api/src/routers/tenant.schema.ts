import { z } from "zod";

export const createTenantInput = z.object({
  name: z.string().trim().min(1, "Name the workspace").max(80),
  slug: z.string().trim().max(48).optional(),
});

export const updateTenantSettingsInput = z.object({
  data: z.object({
    /** Editors may approve segment definitions (admins and owners always may). */
    editorsCanApprove: z.boolean().optional(),
    /** Order lines older than this many months are deleted by a scheduled sweep; null keeps them all. */
    retentionMonths: z
      .int("Months are a whole number")
      .min(1, "Keep order lines for at least 1 month")
      .max(1200)
      .nullable()
      .optional(),
  }),
});

/** The owner types the workspace's slug to confirm. */
export const deleteTenantInput = z.object({ confirmSlug: z.string().max(100) });
