import {
  type ActivityRow,
  type CsvRecord,
  type CustomerRow,
  createRowValidator,
  type DatasetKind,
  type DateFormat,
  dateRejectionReason,
  type FieldMapping,
  type MappedField,
  type OrderRow,
  parseDateInFormat,
  parseDecimal,
  type Rejection,
} from "@strata/core";
import { AppError } from "../../errors.js";
import { fieldsFor } from "./fields.js";
import type { AttributeMapping, ImportMapping } from "./mapping.js";

export type TypedAttributes = Record<string, string | number | null>;

export type ImportRowResult =
  | {
      ok: true;
      order?: OrderRow;
      customer?: CustomerRow & { typed: TypedAttributes };
      activity?: ActivityRow;
    }
  | { ok: false; rejections: Rejection[] };

/**
 * The core's row validator (types, dates, ragged rows, duplicate ids) driven by a mapping written
 * with header names, plus the attribute types the user confirmed: a numeric attribute that is not a
 * number rejects its row rather than being stored as text.
 */
export function createImportValidator(
  kind: DatasetKind,
  header: readonly string[],
  mapping: ImportMapping,
  options: { knownCustomerIds?: ReadonlySet<string> } = {},
) {
  const index = new Map(header.map((h, i) => [h, i]));
  const indexOf = (source: string, field: string): number => {
    const at = index.get(source);
    if (at === undefined) {
      throw new AppError(
        "BAD_REQUEST",
        `The mapping names a column "${source}" that the file does not have.`,
        field,
      );
    }
    return at;
  };
  // A column chosen for the id wins over numbering rows (a CLI --mapping may add one to a preview
  // that found none).
  const isIdFromLine = kind === "customers" && mapping.isIdFromLine === true && !mapping.fields.externalId;
  for (const field of fieldsFor(kind)) {
    if (isIdFromLine && field.name === "externalId") continue;
    if (field.required && !mapping.fields[field.name]) {
      throw new AppError("BAD_REQUEST", `Choose the column that holds "${field.label}".`, field.name);
    }
  }
  const known = new Set(fieldsFor(kind).map((f) => f.name));
  const fields: Partial<Record<MappedField, number>> = {};
  for (const [field, source] of Object.entries(mapping.fields)) {
    if (!source) continue;
    if (!known.has(field)) throw new AppError("BAD_REQUEST", `"${field}" is not a field of ${kind}.`, field);
    fields[field as MappedField] = indexOf(source, field);
  }
  const attributes = kind === "customers" ? attributeColumns(header, mapping) : [];
  const fieldMapping: FieldMapping = {
    header: [...header],
    fields,
    attributes: attributes.map((a) => indexOf(a.source, "attributes")),
  };
  let validator: ReturnType<typeof createRowValidator>;
  try {
    validator = createRowValidator(fieldMapping, kind, {
      dateFormat: mapping.dateFormat ?? "iso",
      decimalSeparator: mapping.decimalSeparator ?? ".",
      negativeQuantity: mapping.negativeQuantity ?? "return",
      isIdFromLine,
      ...(options.knownCustomerIds ? { knownCustomerIds: options.knownCustomerIds } : {}),
    });
  } catch (error) {
    throw new AppError("BAD_REQUEST", (error as Error).message, (error as { field?: string }).field);
  }
  const decimal = mapping.decimalSeparator ?? ".";
  const dateFormatOf = (a: AttributeMapping): DateFormat => a.dateFormat ?? mapping.dateFormat ?? "iso";

  return (record: CsvRecord): ImportRowResult => {
    const result = validator.validate(record);
    if (!result.ok) return result;
    if (kind === "orders") return { ok: true, order: result.row as OrderRow };
    if (kind === "activities") return { ok: true, activity: result.row as ActivityRow };
    const row = result.row as CustomerRow;
    // The core names attributes after their (trimmed, de-duplicated) header; so do we.
    const typed: TypedAttributes = {};
    const rejections: Rejection[] = [];
    for (const a of attributes) {
      const raw = row.attributes[a.source.trim()] ?? null;
      if (raw === null || raw === "") {
        typed[a.source] = null;
      } else if (a.type === "numeric") {
        const n = parseDecimal(raw, decimal);
        if (n === undefined || !Number.isFinite(n)) {
          rejections.push({ line: record.line, column: a.source, value: raw, reason: "is not a number" });
        } else typed[a.source] = n;
      } else if (a.type === "date") {
        const format = dateFormatOf(a);
        const t = parseDateInFormat(raw, format);
        if (t === undefined) {
          rejections.push({
            line: record.line,
            column: a.source,
            value: raw,
            reason: dateRejectionReason(raw, format),
          });
        } else typed[a.source] = new Date(t).toISOString().slice(0, 10);
      } else typed[a.source] = raw;
    }
    if (rejections.length > 0) return { ok: false, rejections };
    return { ok: true, customer: { ...row, typed } };
  };
}

/** The attribute columns of a customers file: those the mapping lists, or every unmapped column. */
export function attributeColumns(header: readonly string[], mapping: ImportMapping): AttributeMapping[] {
  if (mapping.attributes) return mapping.attributes;
  const mapped = new Set(Object.values(mapping.fields));
  return header.filter((h) => !mapped.has(h)).map((h) => ({ source: h, type: "categorical" as const }));
}
