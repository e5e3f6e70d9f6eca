import { describe, expect, it } from "vitest";
import { detectIdentifier, identifierNameHint, nameTokens } from "./identifier.js";
import { inferColumnType } from "./infer.js";

const distinctIntegers = Array.from({ length: 40 }, (_, i) => String(17850 + 37 * i));
const amounts = Array.from({ length: 40 }, (_, i) => String(((i * 7919) % 97) + 0.5 * (i % 3)));
const smallCounts = Array.from({ length: 40 }, (_, i) => String(i % 3));

describe("nameTokens", () => {
  it("splits on separators and camelCase boundaries, keeping acronyms whole", () => {
    expect(nameTokens("CustomerID")).toEqual(["customer", "id"]);
    expect(nameTokens("customer_id")).toEqual(["customer", "id"]);
    expect(nameTokens("Customer ID")).toEqual(["customer", "id"]);
    expect(nameTokens("client-id")).toEqual(["client", "id"]);
    expect(nameTokens("order.id")).toEqual(["order", "id"]);
    expect(nameTokens("userId")).toEqual(["user", "id"]);
    expect(nameTokens("IDNumber")).toEqual(["id", "number"]);
    expect(nameTokens("Kidhome")).toEqual(["kidhome"]);
    expect(nameTokens("malic_acid")).toEqual(["malic", "acid"]);
  });
});

describe("identifierNameHint", () => {
  it("reads identifiers from whole tokens only", () => {
    for (const name of [
      "ID",
      "Id",
      "id",
      "CustomerID",
      "customer_id",
      "Customer ID",
      "client-id",
      "uuid",
      "GUID",
    ]) {
      expect(identifierNameHint(name), name).toBe("strong");
    }
    for (const name of [
      "malic_acid",
      "amount_paid",
      "fluid",
      "Kidhome",
      "rapid",
      "Paid",
      "Idle time",
      "video",
    ]) {
      expect(identifierNameHint(name), name).toBeNull();
    }
  });

  it("reads code-like last tokens as a weak hint", () => {
    expect(identifierNameHint("StockCode")).toBe("weak");
    expect(identifierNameHint("InvoiceNo")).toBe("weak");
    expect(identifierNameHint("order_number")).toBe("weak");
    expect(identifierNameHint("number_of_visits")).toBeNull();
    expect(identifierNameHint("casino")).toBeNull();
  });
});

describe("detectIdentifier", () => {
  it("keeps numeric columns whose names merely contain the letters id", () => {
    for (const name of ["malic_acid", "amount_paid", "fluid", "Kidhome", "rapid"]) {
      expect(detectIdentifier(amounts, name), name).toBeNull();
      expect(detectIdentifier(smallCounts, name), name).toBeNull();
      expect(inferColumnType(amounts, name), name).toBe("numeric");
      expect(inferColumnType(smallCounts, name), name).toBe("numeric");
    }
    // Distinct integers are amounts too when nothing else says identifier.
    expect(detectIdentifier(distinctIntegers, "amount_paid")).toBeNull();
    expect(inferColumnType(distinctIntegers, "amount_paid")).toBe("numeric");
  });

  it("finds identifiers named as such with a different value on every row", () => {
    for (const name of [
      "ID",
      "Id",
      "CustomerID",
      "customer_id",
      "Customer ID",
      "client-id",
      "uuid",
      "customerid",
    ]) {
      expect(detectIdentifier(distinctIntegers, name), name).not.toBeNull();
      expect(inferColumnType(distinctIntegers, name), name).toBe("id");
    }
  });

  it("calls repeated whole numbers under an identifier's name codes, not amounts", () => {
    const repeated = ["17850.0", "17850.0", "", "13047.0"];
    expect(detectIdentifier(repeated, "CustomerID")?.reason).toBe("named like one, whole-number codes");
    expect(inferColumnType(["1.5", "2.5", "1.5"], "CustomerID")).toBe("numeric");
  });

  it("needs id-like values before a code name makes an identifier", () => {
    expect(detectIdentifier(["536365", "C536379", "536366", "536367"], "InvoiceNo")).not.toBeNull();
    expect(detectIdentifier(["85123", "85123A", "22633", "22632"], "StockCode")).not.toBeNull();
    // Repeated zip codes are a category, and decimals are measurements.
    expect(detectIdentifier(["10001", "10001", "94105", "94105"], "zip_code")).toBeNull();
    expect(detectIdentifier(["3.5", "2.25", "7.75"], "lucky_number")).toBeNull();
  });

  it("finds identifiers by their values whatever the name", () => {
    const uuids = [
      "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      "7c9e6679-7425-40de-944b-e07fc1f90ae7",
      "{16fd2706-8baf-433b-82eb-8c7fada847da}",
    ];
    expect(detectIdentifier(uuids, "ref")?.reason).toBe("UUIDs");
    expect(detectIdentifier(["0001", "0002", "0003"], "")).not.toBeNull();
    const rowNumbers = Array.from({ length: 50 }, (_, i) => String(50 - i));
    expect(detectIdentifier(rowNumbers, "")?.reason).toMatch(/row numbers/);
    expect(detectIdentifier(rowNumbers, "Unnamed: 0")?.reason).toMatch(/row numbers/);
    // Under a real name the same run is a measurement (a count from 1 to 50).
    expect(detectIdentifier(rowNumbers, "visits")).toBeNull();
    const codes = Array.from({ length: 30 }, (_, i) => `CUST-${String(i).padStart(5, "0")}`);
    expect(detectIdentifier(codes, "account")).not.toBeNull();
    expect(inferColumnType(codes, "account")).toBe("id");
  });

  it("reads numbers that arrive as a Float64Array", () => {
    expect(detectIdentifier(Float64Array.from(distinctIntegers, Number), "CustomerID")).not.toBeNull();
    expect(detectIdentifier(Float64Array.from(amounts, Number), "malic_acid")).toBeNull();
  });

  it("leaves distinct dates and free text alone", () => {
    const days = Array.from({ length: 20 }, (_, i) => `2020-01-${String(i + 1).padStart(2, "0")}`);
    expect(detectIdentifier(days, "")).toBeNull();
    expect(detectIdentifier(["a red hat", "blue shoes", "green socks"], "id")).toBeNull();
  });
});
