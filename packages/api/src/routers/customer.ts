import { getCustomer } from "../services/customer/get-customer.js";
import { listCustomers } from "../services/customer/list-customers.js";
import { router, tenantProcedure } from "../trpc.js";
import { getCustomerInput, listCustomersInput } from "./customer.schema.js";

/** Customers of a workspace: a searchable list and the customer page. */
export const customerRouter = router({
  list: tenantProcedure("viewer")
    .input(listCustomersInput)
    .query(({ ctx, input }) =>
      listCustomers(ctx.tx, {
        tenantId: ctx.tenant.id,
        limit: input.limit,
        ...(input.search ? { search: input.search } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      }),
    ),

  get: tenantProcedure("viewer")
    .input(getCustomerInput)
    .query(({ ctx, input }) => getCustomer(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),
});
