import { type DatasetKind, ORDER_FIELDS, REQUIRED_ORDER_FIELDS } from "@strata/core";

export type { DatasetKind };

/** Strata's fields for each kind of dataset, with the labels the mapping step shows. */
export interface FieldDefinition {
  name: string;
  label: string;
  type: "id" | "date" | "numeric" | "categorical";
  required: boolean;
}

const ORDER_LABELS: Record<(typeof ORDER_FIELDS)[number], [string, FieldDefinition["type"]]> = {
  customerId: ["Customer id", "id"],
  orderedAt: ["Order date", "date"],
  quantity: ["Quantity", "numeric"],
  unitPrice: ["Unit price", "numeric"],
  invoiceId: ["Order / invoice id", "categorical"],
  product: ["Product", "categorical"],
  category: ["Category", "categorical"],
  channel: ["Channel", "categorical"],
  country: ["Country", "categorical"],
  region: ["Ship-to region", "categorical"],
  weight: ["Weight (kg)", "numeric"],
};

export const ORDER_FIELD_DEFINITIONS: readonly FieldDefinition[] = ORDER_FIELDS.map((name) => ({
  name,
  label: ORDER_LABELS[name][0],
  type: ORDER_LABELS[name][1],
  required: REQUIRED_ORDER_FIELDS.includes(name),
}));

export const CUSTOMER_FIELD_DEFINITIONS: readonly FieldDefinition[] = [
  { name: "externalId", label: "Customer id", type: "id", required: true },
];

export function fieldsFor(kind: DatasetKind): readonly FieldDefinition[] {
  return kind === "customers" ? CUSTOMER_FIELD_DEFINITIONS : ORDER_FIELD_DEFINITIONS;
}
