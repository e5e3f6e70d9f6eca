import { ROLES } from "@strata/auth";
import { z } from "zod";

export const updateMemberRoleInput = z.object({ userId: z.uuid("Unknown member"), role: z.enum(ROLES) });
export const removeMemberInput = z.object({ userId: z.uuid("Unknown member") });
