import {
  ACTIVITY_FIELDS,
  type DatasetKind,
  ORDER_FIELDS,
  REQUIRED_ACTIVITY_FIELDS,
  REQUIRED_ORDER_FIELDS,
} from "@strata/core";

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
  unitCost: ["Unit cost", "numeric"],
  discount: ["Discount (money off the line)", "numeric"],
  deliveryId: ["Delivery / drop id", "categorical"],
  distance: ["Delivery distance", "numeric"],
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

const ACTIVITY_LABELS: Record<(typeof ACTIVITY_FIELDS)[number], [string, FieldDefinition["type"]]> = {
  customerId: ["Customer id", "id"],
  activity: ["Activity", "categorical"],
  quantity: ["Count", "numeric"],
  occurredOn: ["Date", "date"],
};

export const ACTIVITY_FIELD_DEFINITIONS: readonly FieldDefinition[] = ACTIVITY_FIELDS.map((name) => ({
  name,
  label: ACTIVITY_LABELS[name][0],
  type: ACTIVITY_LABELS[name][1],
  required: REQUIRED_ACTIVITY_FIELDS.includes(name),
}));

export function fieldsFor(kind: DatasetKind): readonly FieldDefinition[] {
  if (kind === "customers") return CUSTOMER_FIELD_DEFINITIONS;
  return kind === "activities" ? ACTIVITY_FIELD_DEFINITIONS : ORDER_FIELD_DEFINITIONS;
}

/** The table a dataset's rows are in. */
export function tableOfKind(kind: DatasetKind): "customers" | "order_lines" | "activity_events" {
  return kind === "customers" ? "customers" : kind === "activities" ? "activity_events" : "order_lines";
}

/** The name a dataset of the kind gets when the user names none. */
export function defaultDatasetName(kind: DatasetKind): string {
  return kind === "customers" ? "Customers" : kind === "activities" ? "Activities" : "Orders";
}
