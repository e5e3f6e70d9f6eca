import { describe, expect, it } from "vitest";
import {
  dateRejectionReason,
  detectDateFormat,
  looksLikeDate,
  matchingDateFormats,
  parseDateInFormat,
} from "./dates.js";

const utc = (...a: [number, number, number, number?, number?, number?]) =>
  Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0);

describe("parseDateInFormat", () => {
  it("reads each supported format", () => {
    expect(parseDateInFormat("2010-12-01 08:26:00", "iso")).toBe(utc(2010, 12, 1, 8, 26));
    expect(parseDateInFormat("2010-12-01T08:26", "iso")).toBe(utc(2010, 12, 1, 8, 26));
    expect(parseDateInFormat("2010-12-01T08:26:00+01:00", "iso")).toBe(utc(2010, 12, 1, 7, 26));
    expect(parseDateInFormat("2010-12-01", "iso")).toBe(utc(2010, 12, 1));
    expect(parseDateInFormat("2010/12/01", "ymd-slash")).toBe(utc(2010, 12, 1));
    expect(parseDateInFormat("04-09-2012", "dmy-dash")).toBe(utc(2012, 9, 4));
    expect(parseDateInFormat("12/1/2010 8:26", "mdy-slash")).toBe(utc(2010, 12, 1, 8, 26));
    expect(parseDateInFormat("1/12/10 2:05 PM", "dmy-slash")).toBe(utc(2010, 12, 1, 14, 5));
    expect(parseDateInFormat("31.01.2024", "dmy-dot")).toBe(utc(2024, 1, 31));
    expect(parseDateInFormat("40513", "excel-serial")).toBe(utc(2010, 12, 1));
  });

  it("refuses impossible dates and the wrong separator", () => {
    expect(parseDateInFormat("31/02/2024", "dmy-slash")).toBeUndefined();
    expect(parseDateInFormat("29/02/2023", "dmy-slash")).toBeUndefined();
    expect(parseDateInFormat("29/02/2024", "dmy-slash")).toBe(utc(2024, 2, 29));
    expect(parseDateInFormat("31-01-2024", "dmy-slash")).toBeUndefined();
    expect(parseDateInFormat("2024-01-31 25:00", "iso")).toBeUndefined();
    expect(parseDateInFormat("17850", "excel-serial")).toBeUndefined();
    expect(parseDateInFormat("", "iso")).toBeUndefined();
  });

  it("reads the date-times of the UCI online retail exports", () => {
    expect(parseDateInFormat("2010-12-01 08:26:00", "iso")).toBe(utc(2010, 12, 1, 8, 26));
    expect(parseDateInFormat("12/1/2010 8:26", "mdy-slash")).toBe(utc(2010, 12, 1, 8, 26));
    expect(parseDateInFormat("2010-12-01T08:26:00+02:00", "iso")).toBe(utc(2010, 12, 1, 6, 26));
    expect(parseDateInFormat("2010-12-01T08:26:00.500Z", "iso")).toBe(utc(2010, 12, 1, 8, 26) + 500);
  });

  it("lists every format that reads a value", () => {
    expect(matchingDateFormats("03/04/2024")).toEqual(["dmy-slash", "mdy-slash"]);
    expect(matchingDateFormats("13/04/2024")).toEqual(["dmy-slash"]);
  });
});

describe("looksLikeDate", () => {
  it("takes valid dates in any format for dates, and bare numbers and words for not", () => {
    for (const v of ["2010-12-01 08:26:00", "12/1/2010 8:26", "04-09-2012", "31.01.2024", "2024/01/31"])
      expect(looksLikeDate(v), v).toBe(true);
    for (const v of ["40513", "17850.0", "2012", "31/02/2024", "C1001", "soon", ""])
      expect(looksLikeDate(v), v).toBe(false);
  });
});

describe("detectDateFormat", () => {
  it("finds the one format that reads every sample", () => {
    const d = detectDateFormat(["12/1/2010 8:26", "12/13/2010 9:01", "", "1/4/2011 10:00"]);
    expect(d.status).toBe("ok");
    expect(d.format).toBe("mdy-slash");
  });

  it("detects the day-first dashes of the marketing campaign data set", () => {
    expect(detectDateFormat(["04-09-2012", "08-03-2014", "21-08-2013"]).format).toBe("dmy-dash");
  });

  it("treats ISO timestamps with and without seconds as one format", () => {
    const d = detectDateFormat(["2010-12-01 08:26:00", "2010-12-01 08:28", "2011-01-05"]);
    expect(d).toMatchObject({ status: "ok", format: "iso" });
  });

  it("reports ambiguity when days and months could be swapped", () => {
    const d = detectDateFormat(["01/02/2024", "03/04/2024"]);
    expect(d.status).toBe("ambiguous");
    expect(d.candidates).toEqual(["dmy-slash", "mdy-slash"]);
    expect(d.message).toMatch(/more than one way/);
  });

  it("is not ambiguous when both readings agree", () => {
    expect(detectDateFormat(["05/05/2024", "07/07/2024"]).status).toBe("ok");
  });

  it("names the lines of dates in a different format", () => {
    const d = detectDateFormat([
      { line: 2, value: "2024-01-31" },
      { line: 3, value: "2024-02-01" },
      { line: 4, value: "02/03/2024" },
      { line: 5, value: "2024-02-03" },
      { line: 6, value: "soon" },
    ]);
    expect(d.status).toBe("mixed");
    expect(d.format).toBe("iso");
    expect(d.problems.map((p) => p.line)).toEqual([4, 6]);
    expect(d.message).toMatch(/line 4 \("02\/03\/2024"\), line 6 \("soon"\)/);
  });

  it("reads dd-mm-yyyy when some day is above 12", () => {
    const d = detectDateFormat(["04-09-2012", "08-03-2014", "21-08-2013", "10-02-2014"]);
    expect(d).toMatchObject({ status: "ok", format: "dmy-dash", candidates: ["dmy-dash"] });
  });

  it("reads mm-dd-yyyy when some value has a day above 12 in second place", () => {
    const d = detectDateFormat(["09-04-2012", "03-08-2014", "08-21-2013"]);
    expect(d).toMatchObject({ status: "ok", format: "mdy-dash", candidates: ["mdy-dash"] });
  });

  it("reads yyyy-mm-dd as ISO, never as day or month first", () => {
    const d = detectDateFormat(["2012-09-04", "2014-03-08", "2013-08-21"]);
    expect(d).toMatchObject({ status: "ok", format: "iso", candidates: ["iso"] });
  });

  it("reports dashed dates with days and months up to 12 as ambiguous, offering both", () => {
    const d = detectDateFormat(["04-09-2012", "08-03-2014", "01-02-2013"]);
    expect(d.status).toBe("ambiguous");
    expect(d.candidates).toEqual(["dmy-dash", "mdy-dash"]);
    expect(d.message).toMatch(/31-01-2024 or 01-31-2024/);
  });

  it("says when there is nothing to look at", () => {
    expect(detectDateFormat(["", " "]).status).toBe("none");
  });
});

describe("dateRejectionReason", () => {
  it("names the expected pattern and the format that would read the value", () => {
    expect(dateRejectionReason("21-08-2013", "iso")).toBe(
      "not a valid date in the format yyyy-mm-dd (e.g. 2024-01-31 or 2024-01-31T08:26:00); it reads as dd-mm-yyyy: choose that format",
    );
    expect(dateRejectionReason("soon", "dmy-dash")).toBe(
      "not a valid date in the format dd-mm-yyyy (e.g. 31-01-2024)",
    );
    expect(dateRejectionReason(" ", "dmy-dash")).toBe("missing date");
  });
});
