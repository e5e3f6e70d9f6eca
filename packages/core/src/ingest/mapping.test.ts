import { describe, expect, it } from "vitest";
import { guessMapping, normalizeHeader } from "./mapping.js";

describe("guessMapping", () => {
  it("maps the UCI Online Retail header", () => {
    const header = [
      "InvoiceNo",
      "StockCode",
      "Description",
      "Quantity",
      "InvoiceDate",
      "UnitPrice",
      "CustomerID",
      "Country",
    ];
    const g = guessMapping(header, "orders");
    expect(g.mapping.fields).toEqual({
      invoiceId: 0,
      product: 1,
      quantity: 3,
      orderedAt: 4,
      unitPrice: 5,
      customerId: 6,
      country: 7,
    });
    expect(g.missing).toEqual([]);
    expect(g.columns[2]).toMatchObject({ header: "Description", field: null });
    expect(g.columns[6]!.confidence).toBe(1);
  });

  it("understands spaced, snake-case and vendor names", () => {
    const g = guessMapping(
      [
        "customer_id",
        "Order Date",
        "Qty",
        "Price",
        "Sales Channel",
        "Product Category",
        "Ship-to Region",
        "Weight (kg)",
      ],
      "orders",
    );
    expect(g.mapping.fields).toEqual({
      customerId: 0,
      orderedAt: 1,
      quantity: 2,
      unitPrice: 3,
      channel: 4,
      category: 5,
      region: 6,
      weight: 7,
    });
  });

  it("lists the required order fields it could not find", () => {
    const g = guessMapping(["Customer ID", "Amount"], "orders");
    expect(g.missing).toEqual(["orderedAt", "quantity", "unitPrice"]);
  });

  it("takes ID as the external id of a customer file and keeps the other columns as attributes", () => {
    const g = guessMapping(["ID", "Year_Birth", "Income", "Dt_Customer"], "customers");
    expect(g.mapping.fields).toEqual({ externalId: 0 });
    expect(g.mapping.attributes).toEqual([1, 2, 3]);
    expect(g.columns.map((c) => c.field)).toEqual(["externalId", "attribute", "attribute", "attribute"]);
    expect(guessMapping(["CustomerID", "Genre", "Age"], "customers").mapping.fields.externalId).toBe(0);
  });

  it("reports a customer file without an id column", () => {
    const g = guessMapping(["Channel", "Region", "Fresh"], "customers");
    expect(g.missing).toEqual(["externalId"]);
    expect(g.mapping.attributes).toEqual([0, 1, 2]);
  });

  it("normalises headers to letters and digits", () => {
    expect(normalizeHeader(" Customer ID ")).toBe("customerid");
    expect(normalizeHeader("Prix_unitaire (€)")).toBe("prixunitaire");
  });

  it("maps the contract's cost-to-serve order columns and common alternatives", () => {
    const contract = guessMapping(
      [
        "customer_id",
        "order_id",
        "quantity",
        "unit_price",
        "ordered_at",
        "unit_cost",
        "discount",
        "delivery_id",
        "distance",
        "weight_kg",
      ],
      "orders",
    );
    expect(contract.mapping.fields).toMatchObject({
      unitCost: 5,
      discount: 6,
      deliveryId: 7,
      distance: 8,
      weight: 9,
    });
    const other = guessMapping(
      ["CustomerID", "Date", "Qty", "Price", "Cost", "Discount", "DropId", "Km"],
      "orders",
    );
    expect(other.mapping.fields).toMatchObject({
      unitPrice: 3,
      unitCost: 4,
      discount: 5,
      deliveryId: 6,
      distance: 7,
    });
    const more = guessMapping(
      ["CustomerID", "Date", "Qty", "Price", "UnitCost", "Shipment", "Miles"],
      "orders",
    );
    expect(more.mapping.fields).toMatchObject({ unitCost: 4, deliveryId: 5, distance: 6 });
  });

  it("maps an activity events file", () => {
    const g = guessMapping(["customer_id", "activity", "quantity", "date"], "activities");
    expect(g.mapping.fields).toEqual({ customerId: 0, activity: 1, quantity: 2, occurredOn: 3 });
    expect(g.missing).toEqual([]);
    expect(guessMapping(["customer_id", "date"], "activities").missing).toEqual(["activity", "quantity"]);
  });
});
