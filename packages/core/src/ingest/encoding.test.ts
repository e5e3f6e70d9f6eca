import { describe, expect, it } from "vitest";
import { decodeText, detectBinary, findInvalidUtf8, sniffFile, TextChunkDecoder } from "./encoding.js";
import { IngestError } from "./errors.js";

const enc = new TextEncoder();

describe("sniffFile and detectBinary", () => {
  it("recognises text, workbooks, empty files and binary files", () => {
    expect(sniffFile(enc.encode("id,name\n1,a\n"))).toEqual({ format: "text" });
    expect(sniffFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({
      format: "text",
      encoding: "utf-8",
    });
    expect(sniffFile(new Uint8Array([0xff, 0xfe, 0x61, 0]))).toEqual({
      format: "text",
      encoding: "utf-16le",
    });
    expect(sniffFile(new Uint8Array([0x50, 0x4b, 3, 4, 0])).format).toBe("xlsx");
    expect(sniffFile(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0])).reason).toMatch(/\.xls/);
    expect(sniffFile(new Uint8Array()).format).toBe("empty");
    expect(sniffFile(enc.encode("%PDF-1.7\n..."))).toMatchObject({ format: "binary", reason: /PDF/ });
    expect(sniffFile(new Uint8Array([0x1f, 0x8b, 8, 0]))).toMatchObject({ reason: /gzip/ });
  });

  it("names the offset of a NUL byte in an unknown binary file", () => {
    expect(detectBinary(new Uint8Array([0x61, 0x62, 0x63, 0, 0x64]))).toMatch(/NUL byte at byte offset 3/);
    expect(detectBinary(enc.encode("a\tb\r\nc\fd\n"))).toBeUndefined();
  });
});

describe("TextChunkDecoder", () => {
  it("decodes UTF-8 split inside a multi-byte character and drops the BOM", () => {
    const bytes = enc.encode("\uFEFFname\ncafé 😀\n");
    for (let at = 0; at <= bytes.length; at++) {
      const d = new TextChunkDecoder();
      const text = d.push(bytes.subarray(0, at)) + d.push(bytes.subarray(at)) + d.end();
      expect(text).toBe("name\ncafé 😀\n");
    }
  });

  it("names the line and byte offset of invalid UTF-8 such as a Latin-1 file", () => {
    const latin1 = new Uint8Array([...enc.encode("id,name\n1,ok\n2,caf"), 0xe9, ...enc.encode("\n")]);
    const d = new TextChunkDecoder();
    let error: unknown;
    try {
      d.push(latin1.subarray(0, 8));
      d.push(latin1.subarray(8));
      d.end();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).line).toBe(3);
    expect((error as Error).message).toMatch(/line 3 has an invalid byte \(0xe9\) at byte offset 18/);
    expect((error as Error).message).toMatch(/Windows-1252/);
  });

  it("reports a file that ends inside a character", () => {
    expect(() => decodeText(new Uint8Array([0x61, 0xe2, 0x82]))).toThrow(/ends in the middle of a character/);
  });

  it("decodes Windows-1252 when asked and UTF-16 from its byte order mark", () => {
    expect(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), "windows-1252")).toBe("café");
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x3b, 0, 0x62, 0]))).toBe("a;b");
  });

  it("finds the first invalid sequence, including overlong forms and surrogates", () => {
    expect(findInvalidUtf8(enc.encode("plain ascii"))).toBe(-1);
    expect(findInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1);
    expect(findInvalidUtf8(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(findInvalidUtf8(new Uint8Array([0xe2, 0x28, 0xa1]))).toBe(0);
    expect(findInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(-1);
  });
});
