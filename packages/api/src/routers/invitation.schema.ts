import { ROLES } from "@strata/auth";
import { z } from "zod";

export const createInvitationInput = z.object({
  role: z.enum(ROLES),
  expiresInHours: z
    .number()
    .int()
    .min(1, "At least 1 hour")
    .max(24 * 30, "At most 30 days")
    .default(168),
});
export const revokeInvitationInput = z.object({ id: z.uuid("Unknown invitation") });
export const invitationTokenInput = z.object({ token: z.string().trim().min(1).max(200) });
