import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { parseCsv } from "./csv.js";
import { guessMapping } from "./mapping.js";
import {
  type ActivityRow,
  createRowValidator,
  detectDecimalSeparator,
  formatOriginalRow,
  type OrderRow,
  parseDecimal,
  type Rejection,
  rejectionsToCsv,
} from "./validate.js";

function validateAll<T>(text: string, kind: "orders" | "customers" | "activities", options = {}) {
  const { header, records } = parseCsv(text);
  const guess = guessMapping(header, kind);
  const validator = createRowValidator(guess.mapping, kind, options);
  const rows: T[] = [];
  const rejections: Rejection[] = [];
  for (const r of records) {
    const result = validator.validate(r);
    if (result.ok) rows.push(result.row as T);
    else rejections.push(...result.rejections);
  }
  return { rows, rejections, validator };
}

const ORDERS = [
  "InvoiceNo;CustomerID;InvoiceDate;Quantity;UnitPrice;Country",
  "536365;17850.0;01/12/2010 08:26;6;2,55;United Kingdom",
  "C536379;17850;01/12/2010 09:41;-1;27,50;United Kingdom",
  "536380;;01/12/2010 09:45;3;1,00;France",
  "536381;12583;31/02/2010 10:00;many;-3,00;France",
  "536382;12583;02/12/2010 10:00;2",
  "536383;12583;02/12/2010 11:00;0;1,5;",
].join("\n");

describe("createRowValidator for orders", () => {
  it("turns valid lines into typed rows and rejects the rest with line, column, value and reason", () => {
    const { rows, rejections, validator } = validateAll<OrderRow>(ORDERS, "orders", {
      dateFormat: "dmy-slash",
      decimalSeparator: ",",
    });
    expect(rows).toEqual([
      {
        line: 2,
        customerId: "17850",
        orderedAt: Date.UTC(2010, 11, 1, 8, 26),
        quantity: 6,
        unitPrice: 2.55,
        isReturn: false,
        invoiceId: "536365",
        product: null,
        category: null,
        channel: null,
        country: "United Kingdom",
        region: null,
        weight: null,
        unitCost: null,
        discount: null,
        deliveryId: null,
        distance: null,
      },
      expect.objectContaining({
        line: 3,
        quantity: -1,
        isReturn: true,
        unitPrice: 27.5,
        invoiceId: "C536379",
      }),
    ]);
    expect(rejections).toEqual([
      { line: 4, column: "CustomerID", value: "", reason: "missing customer id" },
      {
        line: 5,
        column: "InvoiceDate",
        value: "31/02/2010 10:00",
        reason: "not a valid date in the format dd/mm/yyyy (e.g. 31/01/2024)",
      },
      { line: 5, column: "Quantity", value: "many", reason: "quantity is not a number" },
      { line: 5, column: "UnitPrice", value: "-3,00", reason: "unit price is negative" },
      {
        line: 6,
        column: "",
        value: "536382,12583,02/12/2010 10:00,2",
        reason: "the row has 4 fields but the header has 6",
      },
      { line: 7, column: "Quantity", value: "0", reason: "quantity is zero" },
    ]);
    expect(validator.seen).toBe(6);
    expect(validator.rejected).toBe(4);
  });

  it("rejects returns when asked and explains a decimal comma under the default separator", () => {
    const text = 'CustomerID,InvoiceDate,Quantity,UnitPrice\n1,2024-01-01,-2,"2,5"\n';
    const { rejections } = validateAll(text, "orders", { dateFormat: "iso", negativeQuantity: "reject" });
    expect(rejections.map((r) => r.reason)).toEqual([
      "quantity is negative (returns are not accepted)",
      "unit price is not a number (it has a decimal comma: choose ',' as the decimal separator if the file uses one)",
    ]);
  });

  it("accepts empty trailing fields beyond the header", () => {
    const text = "CustomerID,InvoiceDate,Quantity,UnitPrice\n1,2024-01-01,2,3.5,,\n";
    expect(validateAll(text, "orders", { dateFormat: "iso" }).rows).toHaveLength(1);
  });

  it("refuses a mapping without the required fields or without a date format", () => {
    const g = guessMapping(["CustomerID", "Quantity"], "orders");
    expect(() => createRowValidator(g.mapping, "orders", { dateFormat: "iso" })).toThrow(
      /map a column to orderedAt, unitPrice/,
    );
    const ok = guessMapping(["CustomerID", "InvoiceDate", "Quantity", "UnitPrice"], "orders");
    expect(() => createRowValidator(ok.mapping, "orders")).toThrow(CoreInputError);
    const twice = { ...ok.mapping, fields: { ...ok.mapping.fields, product: 0 } };
    expect(() => createRowValidator(twice, "orders", { dateFormat: "iso" })).toThrow(/mapped to both/);
  });
});

describe("createRowValidator for customers", () => {
  it("keeps attributes, reads empty as null and rejects duplicate ids naming the first line", () => {
    const text = "CustomerID,Genre,Age,Age\n0001,Male,19,x\n0002,,21,y\n0001,Female,30,z\n,Male,40,w\n";
    const { rows, rejections } = validateAll(text, "customers");
    expect(rows).toEqual([
      { line: 2, externalId: "0001", attributes: { Genre: "Male", Age: "19", "Age (2)": "x" } },
      { line: 3, externalId: "0002", attributes: { Genre: null, Age: "21", "Age (2)": "y" } },
    ]);
    expect(rejections).toEqual([
      { line: 4, column: "CustomerID", value: "0001", reason: "duplicate customer id (also on line 2)" },
      { line: 5, column: "CustomerID", value: "", reason: "missing customer id" },
    ]);
  });
});

describe("parseDecimal", () => {
  it("reads plain numbers only", () => {
    expect(parseDecimal("2.55")).toBe(2.55);
    expect(parseDecimal(" -3 ")).toBe(-3);
    expect(parseDecimal("1e3")).toBe(1000);
    expect(parseDecimal("2,55", ",")).toBe(2.55);
    for (const bad of ["", "1,234.5", "$3", "0x10", "Infinity", "3 kg", "."])
      expect(parseDecimal(bad)).toBeUndefined();
  });
});

describe("detectDecimalSeparator", () => {
  it("finds decimal commas, points, and files that mix them", () => {
    expect(detectDecimalSeparator(["2,55", "10", "0,5"])).toEqual({ separator: ",", isMixed: false });
    expect(detectDecimalSeparator(["2.55", "10", ""])).toEqual({ separator: ".", isMixed: false });
    expect(detectDecimalSeparator(["1", "2"])).toEqual({ separator: ".", isMixed: false });
    expect(detectDecimalSeparator(["2.5", "2,5"])).toEqual({ separator: ".", isMixed: true });
  });
});

describe("rejectionsToCsv", () => {
  it("writes the report header and quotes values that need it", () => {
    const csv = rejectionsToCsv([
      { line: 5, column: "Quantity", value: "many", reason: "quantity is not a number" },
      { line: 6, column: "", value: 'a,"b"', reason: "the row has 2 fields but the header has 6" },
    ]);
    expect(csv).toBe(
      'line,column,value,reason,original_row\n5,Quantity,many,quantity is not a number,\n6,,"a,""b""",the row has 2 fields but the header has 6,\n',
    );
    expect(parseCsv(csv).records[1]!.fields[2]).toBe('a,"b"');
  });

  it("keeps the four contract columns first and adds the original row after them", () => {
    const original = formatOriginalRow(["5524", "04-09-2012", 'say "hi"\tthere'], "\t");
    expect(original).toBe('5524\t04-09-2012\t"say ""hi""\tthere"');
    const csv = rejectionsToCsv(
      [{ line: 2, column: "Dt_Customer", value: "04-09-2012", reason: "not a valid date" }],
      new Map([[2, original]]),
    );
    const { header, records } = parseCsv(csv);
    expect(header.slice(0, 4)).toEqual(["line", "column", "value", "reason"]);
    expect(header[4]).toBe("original_row");
    expect(records[0]!.fields[4]).toBe(original);
    expect(parseCsv(records[0]!.fields[4]!, { delimiter: "\t" }).header).toEqual([
      "5524",
      "04-09-2012",
      'say "hi"\tthere',
    ]);
  });
});

describe("createRowValidator for customers without an id column", () => {
  const text = "Channel,Region,Fresh\n2,3,12669\n2,3,7057\n";

  it("makes each id from the line number when asked", () => {
    const { header, records } = parseCsv(text);
    const guess = guessMapping(header, "customers");
    expect(guess.missing).toEqual(["externalId"]);
    const validator = createRowValidator(guess.mapping, "customers", { isIdFromLine: true });
    const rows = records.map((r) => validator.validate(r));
    expect(rows).toEqual([
      {
        ok: true,
        row: { line: 2, externalId: "row-2", attributes: { Channel: "2", Region: "3", Fresh: "12669" } },
      },
      {
        ok: true,
        row: { line: 3, externalId: "row-3", attributes: { Channel: "2", Region: "3", Fresh: "7057" } },
      },
    ]);
  });

  it("asks for an id column otherwise", () => {
    const { header } = parseCsv(text);
    expect(() => createRowValidator(guessMapping(header, "customers").mapping, "customers")).toThrow(
      /map a column to externalId/,
    );
  });
});

describe("createRowValidator for the cost-to-serve order fields", () => {
  const FILE = [
    "customer_id,order_id,ordered_at,quantity,unit_price,unit_cost,discount,delivery_id,distance",
    "C1,O1,2025-01-02,2,10,6.5,1.5,D1,42",
    "C1,O2,2025-01-03,1,10,,,,",
    "C2,O3,2025-01-04,1,10,-1,abc,D3,-4",
    "C2,O4,2025-01-05,1,10,3,2,,12km",
  ].join("\n");

  it("reads unit cost, discount, delivery and distance, empty cells as null", () => {
    const { rows } = validateAll<OrderRow>(FILE, "orders", { dateFormat: "iso" });
    expect(
      rows.map(({ unitCost, discount, deliveryId, distance }) => ({
        unitCost,
        discount,
        deliveryId,
        distance,
      })),
    ).toEqual([
      { unitCost: 6.5, discount: 1.5, deliveryId: "D1", distance: 42 },
      { unitCost: null, discount: null, deliveryId: null, distance: null },
    ]);
  });

  it("rejects negative or unreadable costs, discounts and distances naming line, column and value", () => {
    const { rejections } = validateAll<OrderRow>(FILE, "orders", { dateFormat: "iso" });
    expect(rejections).toEqual([
      { line: 4, column: "unit_cost", value: "-1", reason: "unit cost is negative" },
      { line: 4, column: "discount", value: "abc", reason: "discount is not a number" },
      { line: 4, column: "distance", value: "-4", reason: "distance is negative" },
      { line: 5, column: "distance", value: "12km", reason: "distance is not a number" },
    ]);
  });
});

describe("createRowValidator for activity events", () => {
  const FILE = [
    "customer_id,activity,quantity,date",
    "C1,sales_visit,3,2025-03-01",
    "C2,statement,12,",
    "C9,sales_visit,1,2025-03-02",
    "C1,,2,2025-03-03",
    "C1,expedite,0,2025-03-04",
    "C2,expedite,two,2025-13-01",
  ].join("\n");
  const known = new Set(["C1", "C2"]);

  it("reads counted events per customer, with the day or undated", () => {
    const { rows } = validateAll<ActivityRow>(FILE, "activities", {
      dateFormat: "iso",
      knownCustomerIds: known,
    });
    expect(rows).toEqual([
      { line: 2, customerId: "C1", activity: "sales_visit", quantity: 3, occurredOn: Date.UTC(2025, 2, 1) },
      { line: 3, customerId: "C2", activity: "statement", quantity: 12, occurredOn: null },
    ]);
  });

  it("rejects an unknown customer, a missing activity and a quantity that is not a positive number", () => {
    const { rejections } = validateAll<ActivityRow>(FILE, "activities", {
      dateFormat: "iso",
      knownCustomerIds: known,
    });
    expect(rejections.map(({ line, column, value, reason }) => ({ line, column, value, reason }))).toEqual([
      { line: 4, column: "customer_id", value: "C9", reason: "unknown customer id" },
      { line: 5, column: "activity", value: "", reason: "missing activity" },
      { line: 6, column: "quantity", value: "0", reason: "quantity is zero" },
      { line: 7, column: "quantity", value: "two", reason: "quantity is not a number" },
      expect.objectContaining({ line: 7, column: "date", value: "2025-13-01" }),
    ]);
  });

  it("accepts every customer id when no list of known ids is given", () => {
    const { rows } = validateAll<ActivityRow>("customer_id,activity,quantity\nX,visit,1", "activities");
    expect(rows).toEqual([{ line: 2, customerId: "X", activity: "visit", quantity: 1, occurredOn: null }]);
  });

  it("requires customer, activity and quantity columns", () => {
    const { header } = parseCsv("customer_id,quantity\nC1,1");
    expect(() => createRowValidator(guessMapping(header, "activities").mapping, "activities")).toThrow(
      CoreInputError,
    );
  });
});
