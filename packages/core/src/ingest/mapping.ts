/** The kinds of dataset a workspace imports. */
export type DatasetKind = "customers" | "orders" | "activities";

/** Strata's fields for an order line (the first four are required). */
export const ORDER_FIELDS = [
  "customerId",
  "orderedAt",
  "quantity",
  "unitPrice",
  "invoiceId",
  "product",
  "category",
  "channel",
  "country",
  "region",
  "weight",
  "unitCost",
  "discount",
  "deliveryId",
  "distance",
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export const REQUIRED_ORDER_FIELDS: readonly OrderField[] = [
  "customerId",
  "orderedAt",
  "quantity",
  "unitPrice",
];

/** A customer file has one required field; every other column can be kept as an attribute. */
export const CUSTOMER_FIELDS = ["externalId"] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** Counted events per customer (visits, statements, expedites...); the date is optional. */
export const ACTIVITY_FIELDS = ["customerId", "activity", "quantity", "occurredOn"] as const;
export type ActivityField = (typeof ACTIVITY_FIELDS)[number];

export const REQUIRED_ACTIVITY_FIELDS: readonly ActivityField[] = ["customerId", "activity", "quantity"];

export type MappedField = OrderField | CustomerField | ActivityField;

/** The fields of a kind of dataset (customers: the id only; the rest are attributes). */
export function fieldsOfKind(kind: DatasetKind): readonly MappedField[] {
  return kind === "orders" ? ORDER_FIELDS : kind === "activities" ? ACTIVITY_FIELDS : CUSTOMER_FIELDS;
}

/** The fields a file of the kind must map (customers: the id, unless ids come from line numbers). */
export function requiredFieldsOfKind(kind: DatasetKind): readonly MappedField[] {
  return kind === "orders"
    ? REQUIRED_ORDER_FIELDS
    : kind === "activities"
      ? REQUIRED_ACTIVITY_FIELDS
      : CUSTOMER_FIELDS;
}

/**
 * Which file column feeds which Strata field. `fields` maps a field to a 0-based column
 * index; `attributes` (customer files) lists the columns kept as customer attributes.
 */
export interface FieldMapping {
  header: string[];
  fields: Partial<Record<MappedField, number>>;
  attributes: number[];
}

export interface ColumnGuess {
  index: number;
  header: string;
  /** The field this column is guessed to feed, "attribute" (customers), or null (ignored). */
  field: MappedField | "attribute" | null;
  /** 0..1: 1 for an exact well-known name, lower for partial matches. */
  confidence: number;
}

export interface MappingGuess {
  kind: DatasetKind;
  columns: ColumnGuess[];
  mapping: FieldMapping;
  /** Required fields no column was found for. */
  missing: MappedField[];
}

/** Lower-case letters and digits only: "Customer ID", "customer_id", "CustomerID" -> "customerid". */
export function normalizeHeader(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

type Rule = { exact: string[]; contains?: Array<string[]>; weak?: string[] };

// Names seen in public retail data sets (UCI Online Retail, Kaggle marketing campaign and
// mall customers, Shopify/WooCommerce exports) and ERP exports.
const ORDER_RULES: Record<OrderField, Rule> = {
  customerId: {
    exact: [
      "customerid",
      "custid",
      "customerno",
      "customernumber",
      "customercode",
      "customerref",
      "clientid",
      "clientno",
      "clientnumber",
      "accountid",
      "accountno",
      "accountnumber",
      "buyerid",
      "userid",
      "memberid",
      "shopperid",
      "debtorno",
      "kundennummer",
    ],
    contains: [
      ["customer", "id"],
      ["customer", "no"],
      ["customer", "code"],
      ["client", "id"],
      ["account", "id"],
    ],
    weak: ["customer", "client", "account", "buyer", "user", "member", "id"],
  },
  orderedAt: {
    exact: [
      "invoicedate",
      "orderdate",
      "orderedat",
      "orderdatetime",
      "purchasedate",
      "purchasedat",
      "transactiondate",
      "transactiontime",
      "saledate",
      "salesdate",
      "createdat",
      "datetime",
      "timestamp",
      "date",
      "orderdt",
      "invoicedt",
      "deliverydate",
      "shipdate",
    ],
    contains: [["date"], ["timestamp"]],
    weak: ["day", "time", "when", "created"],
  },
  quantity: {
    exact: ["quantity", "qty", "units", "unitssold", "quantityordered", "orderedquantity", "pieces", "pcs"],
    contains: [["quantity"], ["qty"]],
    weak: ["count", "items", "amountunits", "volume"],
  },
  unitPrice: {
    exact: [
      "unitprice",
      "price",
      "priceperunit",
      "itemprice",
      "unitsellingprice",
      "saleprice",
      "sellingprice",
    ],
    contains: [["price"]],
    weak: ["rate"],
  },
  invoiceId: {
    exact: [
      "invoiceno",
      "invoice",
      "invoiceid",
      "invoicenumber",
      "orderid",
      "orderno",
      "ordernumber",
      "order",
      "transactionid",
      "receiptid",
      "receiptno",
      "basketid",
      "documentno",
    ],
    contains: [["invoice"], ["order", "id"], ["order", "no"], ["transaction", "id"], ["receipt"]],
    weak: ["transaction", "basket", "ticket"],
  },
  product: {
    exact: [
      "stockcode",
      "productid",
      "productcode",
      "product",
      "sku",
      "itemid",
      "itemcode",
      "itemno",
      "articleno",
      "articleid",
      "article",
      "ean",
      "gtin",
      "productname",
    ],
    contains: [["product"], ["sku"], ["stock", "code"], ["article"]],
    weak: ["item", "description", "itemname", "name"],
  },
  category: {
    exact: [
      "category",
      "productcategory",
      "categoryname",
      "department",
      "productgroup",
      "productfamily",
      "family",
    ],
    contains: [["category"], ["department"]],
    weak: ["type", "class", "segment"],
  },
  channel: {
    exact: [
      "channel",
      "saleschannel",
      "orderchannel",
      "fulfilmentchannel",
      "fulfillmentchannel",
      "deliverymethod",
    ],
    contains: [["channel"]],
    weak: ["source", "fulfilment", "fulfillment", "shipmode", "shippingmethod", "delivery"],
  },
  country: {
    exact: ["country", "countrycode", "countryname", "shiptocountry", "nation"],
    contains: [["country"]],
    weak: ["market"],
  },
  region: {
    exact: ["region", "shiptoregion", "state", "province", "territory", "shiptostate", "zone", "area"],
    contains: [["region"], ["state"], ["province"]],
    weak: ["city", "district"],
  },
  weight: {
    exact: ["weight", "weightkg", "kg", "grossweight", "netweight", "shippingweight"],
    contains: [["weight"]],
    weak: ["mass", "kilos"],
  },
  unitCost: {
    exact: [
      "unitcost",
      "cost",
      "costprice",
      "costperunit",
      "unitcogs",
      "cogs",
      "purchaseprice",
      "buyprice",
      "itemcost",
      "landedcost",
      "standardcost",
    ],
    contains: [["unit", "cost"], ["cost", "price"], ["cogs"]],
    weak: ["costs"],
  },
  discount: {
    exact: ["discount", "discountamount", "linediscount", "discountvalue", "rebate", "markdown", "allowance"],
    contains: [["discount"]],
    weak: ["promo", "promotion"],
  },
  deliveryId: {
    exact: [
      "deliveryid",
      "deliveryno",
      "deliverynumber",
      "deliverynote",
      "deliverynoteno",
      "dropid",
      "dropno",
      "drop",
      "shipmentid",
      "shipmentno",
      "shipment",
      "consignment",
      "consignmentno",
      "dispatchid",
      "despatchid",
      "tripid",
    ],
    contains: [["delivery", "id"], ["delivery", "no"], ["drop", "id"], ["shipment"], ["consignment"]],
    weak: ["stop", "stopid", "trip"],
  },
  distance: {
    exact: [
      "distance",
      "distancekm",
      "distancemiles",
      "deliverydistance",
      "routedistance",
      "km",
      "kms",
      "kilometres",
      "kilometers",
      "miles",
      "mileage",
    ],
    contains: [["distance"]],
    weak: ["mi", "range"],
  },
};

// Activity files: one row per customer, activity and count (CONTRACT activities.csv).
const ACTIVITY_RULES: Record<ActivityField, Rule> = {
  customerId: ORDER_RULES.customerId,
  activity: {
    exact: [
      "activity",
      "activitytype",
      "activityname",
      "event",
      "eventtype",
      "eventname",
      "action",
      "driver",
    ],
    contains: [["activity"], ["event"]],
    weak: ["type", "name", "kind", "what"],
  },
  quantity: {
    exact: [
      "quantity",
      "qty",
      "count",
      "events",
      "number",
      "times",
      "occurrences",
      "amount",
      "hours",
      "value",
    ],
    contains: [["quantity"], ["count"], ["qty"]],
    weak: ["n", "total", "volume"],
  },
  occurredOn: {
    exact: [
      "date",
      "occurredon",
      "occurredat",
      "eventdate",
      "activitydate",
      "day",
      "datetime",
      "timestamp",
      "when",
    ],
    contains: [["date"]],
    weak: ["time", "month", "period"],
  },
};

const CUSTOMER_ID_RULE: Rule = {
  exact: [...ORDER_RULES.customerId.exact, "id", "externalid", "customer", "client", "key"],
  contains: ORDER_RULES.customerId.contains ?? [],
  weak: ["account", "code", "number", "no", "ref"],
};

function score(norm: string, rule: Rule): number {
  if (norm === "") return 0;
  if (rule.exact.includes(norm)) return 1;
  for (const parts of rule.contains ?? []) if (parts.every((p) => norm.includes(p))) return 0.8;
  if (rule.weak?.includes(norm)) return 0.5;
  return 0;
}

/**
 * Guesses which column feeds which Strata field from the header alone. Each field goes to at
 * most one column and each column to at most one field, best matches first ("StockCode" wins
 * product over "Description"). Customer files keep every other column as an attribute.
 */
export function guessMapping(header: readonly string[], kind: DatasetKind): MappingGuess {
  const normalized = header.map(normalizeHeader);
  const candidates: Array<{ index: number; field: MappedField; confidence: number }> = [];
  if (kind === "orders" || kind === "activities") {
    const rules: Record<string, Rule> = kind === "orders" ? ORDER_RULES : ACTIVITY_RULES;
    for (const field of fieldsOfKind(kind)) {
      normalized.forEach((norm, index) => {
        const s = score(norm, rules[field]!);
        // A bare "ID" in an order or activity file is usually the customer; say so with less certainty.
        const confidence = field === "customerId" && norm === "id" ? 0.4 : s;
        if (confidence > 0) candidates.push({ index, field, confidence });
      });
    }
  } else {
    normalized.forEach((norm, index) => {
      const s = score(norm, CUSTOMER_ID_RULE);
      if (s > 0) candidates.push({ index, field: "externalId", confidence: s });
    });
  }
  // Best first; on a tie, required fields before optional, then the leftmost column.
  const order = fieldsOfKind(kind);
  const rank = (f: MappedField) => order.indexOf(f);
  candidates.sort(
    (a, b) => b.confidence - a.confidence || rank(a.field) - rank(b.field) || a.index - b.index,
  );
  const columns: ColumnGuess[] = header.map((h, index) => ({ index, header: h, field: null, confidence: 0 }));
  const fields: Partial<Record<MappedField, number>> = {};
  for (const c of candidates) {
    const col = columns[c.index]!;
    if (col.field !== null || fields[c.field] !== undefined) continue;
    col.field = c.field;
    col.confidence = c.confidence;
    fields[c.field] = c.index;
  }
  const attributes: number[] = [];
  if (kind === "customers") {
    for (const col of columns) {
      if (col.field === null && col.header.trim() !== "") {
        col.field = "attribute";
        col.confidence = 1;
        attributes.push(col.index);
      }
    }
  }
  const required = requiredFieldsOfKind(kind);
  const missing = required.filter((f) => fields[f] === undefined);
  return { kind, columns, mapping: { header: [...header], fields, attributes }, missing };
}
