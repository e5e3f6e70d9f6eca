import { describe, expect, it } from "vitest";
import { isPersonalHeader, MASKED, maskPersonal, withoutPersonal } from "./personal-columns.js";

describe("isPersonalHeader", () => {
  it("suggests email, name, phone, address and birth-date columns however they are written", () => {
    for (const header of [
      "email",
      "E-mail",
      "customer_email",
      "Full Name",
      "firstName",
      "last_name",
      "Surname",
      "phone",
      "Mobile number",
      "Street address",
      "Postal code",
      "zip",
      "date_of_birth",
      "Birthday",
      "DOB",
    ])
      expect(isPersonalHeader(header), header).toBe(true);
  });

  it("leaves measures, codes and places that are not an address alone", () => {
    for (const header of [
      "Annual Income",
      "Spending Score",
      "country",
      "customer_type",
      "Recency",
      "MntWines",
      "Username_count_x",
    ])
      expect(isPersonalHeader(header), header).toBe(false);
  });
});

describe("maskPersonal and withoutPersonal", () => {
  const personal = new Set(["email", "age"]);
  it("masks present personal values and keeps missing ones missing", () => {
    expect(maskPersonal({ email: "a@b.c", age: null, country: "DE" }, personal)).toEqual({
      email: MASKED,
      age: null,
      country: "DE",
    });
    expect(maskPersonal(null, personal)).toBeNull();
  });

  it("drops personal keys", () => {
    expect(withoutPersonal({ email: "a@b.c", country: "DE" }, personal)).toEqual({ country: "DE" });
  });
});
