import { DATE_FORMATS, type DateFormat } from "@strata/core";
import { z } from "zod";

export const ATTRIBUTE_TYPES = ["numeric", "categorical", "date", "id", "text"] as const;

const dateFormatSchema = z.enum(DATE_FORMATS as unknown as [DateFormat, ...DateFormat[]]);

/**
 * A customer attribute column to keep: its header in the file and its type; a date attribute
 * has its own format (detected from its values), else the mapping's `dateFormat`, else ISO.
 */
export const attributeMappingSchema = z.object({
  source: z.string().min(1),
  type: z.enum(ATTRIBUTE_TYPES),
  dateFormat: dateFormatSchema.optional(),
  /** Personal data: see DatasetColumn.isPersonal (suggested from the header, confirmed by the user). */
  isPersonal: z.boolean().optional(),
});

/**
 * What the user confirmed in the mapping step (also the `--mapping map.json` of the CLI).
 * `fields` maps each Strata field (customers: externalId; orders: customerId, orderedAt, quantity,
 * unitPrice, invoiceId, product, category, channel, country, region, weight, unitCost, discount,
 * deliveryId, distance; activities: customerId, activity, quantity, occurredOn) to a column header.
 */
export const importMappingSchema = z.object({
  fields: z.record(z.string(), z.string()),
  /** Customers only: the other columns to keep as attributes; default: every unmapped column, as text. */
  attributes: z.array(attributeMappingSchema).optional(),
  /** How order dates (orders) or event dates (activities) are written; default ISO. */
  dateFormat: dateFormatSchema.optional(),
  /**
   * Customers only, for files with no id column: each customer's id is `row-<line>` (row-2 for
   * the first data row). Ignored when `fields.externalId` names a column.
   */
  isIdFromLine: z.boolean().optional(),
  decimalSeparator: z.enum([".", ","]).optional(),
  /**
   * Negative quantities are imported as returns (default: a credit note then nets the order it
   * cancels, instead of the order counting as a sale) or rejected.
   */
  negativeQuantity: z.enum(["reject", "return"]).optional(),
  delimiter: z.string().max(2).optional(),
  encoding: z.enum(["utf-8", "utf-16le", "utf-16be", "windows-1252"]).optional(),
  sheet: z.string().optional(),
});

export type ImportMapping = z.infer<typeof importMappingSchema>;
export type AttributeMapping = z.infer<typeof attributeMappingSchema>;

export const onInvalidSchema = z.enum(["reject_file", "import_valid"]);
export type OnInvalid = z.infer<typeof onInvalidSchema>;
