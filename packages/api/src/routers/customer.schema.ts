import { z } from "zod";

export const listCustomersInput = z.object({
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.int().min(1).max(200).default(50),
});

export const getCustomerInput = z.object({ id: z.uuid("Not a customer id") });

export const eraseCustomerInput = z.object({ id: z.uuid("Not a customer id") });
export const exportCustomerDataInput = z.object({ id: z.uuid("Not a customer id") });
