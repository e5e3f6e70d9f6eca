import { countCustomers } from "../services/customer/count-customers.js";
import { getCustomer } from "../services/customer/get-customer.js";
import { listCustomers } from "../services/customer/list-customers.js";
import { eraseCustomer } from "../services/privacy/erase-customer.js";
import { exportCustomerData } from "../services/privacy/export-customer-data.js";
import { canSeePersonal } from "../services/privacy/personal-columns.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  eraseCustomerInput,
  exportCustomerDataInput,
  getCustomerInput,
  listCustomersInput,
} from "./customer.schema.js";

/**
 * Customers of a workspace: a searchable list, the customer page, and how many have features; and
 * a customer's privacy rights: a copy of everything held on them, and erasure.
 */
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
    .query(({ ctx, input }) =>
      getCustomer(ctx.tx, {
        tenantId: ctx.tenant.id,
        id: input.id,
        canSeePersonal: canSeePersonal(ctx.role),
      }),
    ),

  erase: tenantProcedure("customer.erase")
    .input(eraseCustomerInput)
    .mutation(({ ctx, input }) =>
      eraseCustomer(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, id: input.id }),
    ),

  // A mutation: the export is recorded in the audit trail.
  exportData: tenantProcedure("customer.exportData")
    .input(exportCustomerDataInput)
    .mutation(({ ctx, input }) =>
      exportCustomerData(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, id: input.id }),
    ),
});
