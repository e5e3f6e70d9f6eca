import { describe, expect, it } from "vitest";
import { inferColumnType } from "./infer.js";

describe("inferColumnType", () => {
  it("calls plain numbers numeric, ignoring missing spellings", () => {
    expect(inferColumnType(["19", "21.5", "", "NA", "-3", "1e3"])).toBe("numeric");
  });

  it("calls zero-padded distinct integers an id", () => {
    expect(inferColumnType(["0001", "0002", "0003", "0004"])).toBe("id");
  });

  it("calls distinct integers an id only when the header says so", () => {
    const values = ["17850", "13047", "12583", "13748"];
    expect(inferColumnType(values, "CustomerID")).toBe("id");
    expect(inferColumnType(values, "Fresh")).toBe("numeric");
  });

  it("recognises ISO and day-first dates", () => {
    expect(inferColumnType(["2010-12-01 08:26:00", "2011-01-04 10:00"])).toBe("date");
    expect(inferColumnType(["04-09-2012", "08-03-2014", "21-08-2013"])).toBe("date");
    expect(inferColumnType(["12/1/2010 8:26", "12/13/2010 9:00"])).toBe("date");
  });

  it("calls a few repeated labels categorical", () => {
    const values = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? "Female" : "Male"));
    expect(inferColumnType(values)).toBe("categorical");
  });

  it("calls distinct codes without spaces an id and long sentences text", () => {
    expect(inferColumnType(Array.from({ length: 30 }, (_, i) => `C${1000 + i}X`))).toBe("id");
    const sentences = Array.from({ length: 80 }, (_, i) => `white hanging heart light holder number ${i}`);
    expect(inferColumnType(sentences)).toBe("text");
  });

  it("keeps a column numeric when a few cells are stray text", () => {
    const values = Array.from({ length: 100 }, (_, i) => String(i * 1.5));
    values[7] = "abc";
    expect(inferColumnType(values)).toBe("numeric");
  });
});
