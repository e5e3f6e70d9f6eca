import { countCustomers } from "../services/customer/count-customers.js";
import { getCustomer } from "../services/customer/get-customer.js";
import { listCustomers } from "../services/customer/list-customers.js";
import { router, tenantProcedure } from "../trpc.js";
import { getCustomerInput, listCustomersInput } from "./customer.schema.js";

/** Customers of a workspace: a searchable list, the customer page, and how many have features. */
export const customerRouter = router({
  counts: tenantProcedure("customer.read").query(({ ctx }) =>
    countCustomers(ctx.tx, { tenantId: ctx.tenant.id }),
  ),

  list: tenantProcedure("customer.read")
    .input(listCustomersInput)
    .query(({ ctx, input }) =>
      listCustomers(ctx.tx, {
        tenantId: ctx.tenant.id,
        limit: input.limit,
        ...(input.search ? { search: input.search } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      }),
    ),

  get: tenantProcedure("customer.read")
    .input(getCustomerInput)
    .query(({ ctx, input }) => getCustomer(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),
});
