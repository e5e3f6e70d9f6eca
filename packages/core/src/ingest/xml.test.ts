import { describe, expect, it } from "vitest";
import { XML_CLOSE, XML_END, XML_OPEN, XmlScanner } from "./xml.js";

function tokens(scanner: XmlScanner, out: string[]): void {
  for (let t = scanner.next(); t !== XML_END; t = scanner.next()) {
    if (t === XML_OPEN)
      out.push(`<${scanner.name} r=${scanner.attr("r") ?? ""}${scanner.isSelfClosing ? "/" : ""}>`);
    else if (t === XML_CLOSE) out.push(`</${scanner.name}>`);
    else out.push(`text:${scanner.text()}`);
  }
}

const DOC =
  '<?xml version="1.0"?><!-- a comment --><x:row r="1"><c r="A1" t="s"><v>12</v></c><c r=\'B1\'/>' +
  "<is><t>A &amp; B &#233;</t></is><![CDATA[<raw>]]></x:row>";

describe("XmlScanner", () => {
  it("reads tags, attributes, entities, CDATA and prefixed names", () => {
    const out: string[] = [];
    tokens(new XmlScanner(DOC), out);
    expect(out).toEqual([
      "<row r=1>",
      "<c r=A1>",
      "<v r=>",
      "text:12",
      "</v>",
      "</c>",
      "<c r=B1/>",
      "<is r=>",
      "<t r=>",
      "text:A & B é",
      "</t>",
      "</is>",
      "text:<raw>",
      "</row>",
    ]);
  });

  it("gives the same tokens when the document is cut into two pieces anywhere", () => {
    const whole: string[] = [];
    tokens(new XmlScanner(DOC), whole);
    for (let at = 0; at <= DOC.length; at++) {
      const out: string[] = [];
      const first = new XmlScanner(DOC.slice(0, at), false);
      tokens(first, out);
      tokens(new XmlScanner(first.rest() + DOC.slice(at), true), out);
      expect(out, `cut at ${at}`).toEqual(whole);
    }
  });

  it("reports an unterminated tag at the end of the document", () => {
    expect(() => tokens(new XmlScanner("<a><b"), [])).toThrow(/unterminated tag/);
  });
});
