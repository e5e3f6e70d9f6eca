/**
 * A minimal pull scanner for the well-formed, namespace-light XML inside OOXML packages.
 * It finds tags with indexOf (no regular expression per character), hands out local names
 * (prefix stripped: some writers emit `<x:c>`), raw attribute text and raw text between tags.
 * No DTDs, no entities beyond the five predefined ones and character references — which is
 * all a spreadsheet part may contain.
 */
export const XML_OPEN = 1;
export const XML_CLOSE = 2;
export const XML_TEXT = 3;
export const XML_END = 0;

export class XmlScanner {
  /** Local name of the current open or close tag. */
  name = "";
  /** True when the current open tag ends with `/>`. */
  isSelfClosing = false;
  private attrStart = 0;
  private attrEnd = 0;
  private textStart = 0;
  private textEnd = 0;
  private isCdata = false;
  private pos = 0;
  /** Whether the current tag's attributes need the general parser (-1: not looked yet). */
  private unusualAttrs = -1;

  /**
   * `isFinal` false scans one piece of a longer document: a token cut off at the end of the
   * piece is not read (next() returns XML_END before it) and `rest()` hands it back to be
   * prefixed to the next piece.
   */
  constructor(
    private readonly xml: string,
    private readonly isFinal = true,
  ) {}

  /** The unread end of the text (an incomplete token when scanning a piece). */
  rest(): string {
    return this.xml.slice(this.pos);
  }

  /** Advances to the next token: XML_OPEN, XML_CLOSE, XML_TEXT or XML_END. */
  next(): number {
    const xml = this.xml;
    const n = xml.length;
    while (this.pos < n) {
      const lt = xml.indexOf("<", this.pos);
      if (lt !== this.pos) {
        if (lt < 0 && !this.isFinal) return XML_END; // the text may go on in the next piece
        const end = lt < 0 ? n : lt;
        this.textStart = this.pos;
        this.textEnd = end;
        this.isCdata = false;
        this.pos = end;
        return XML_TEXT;
      }
      if (!this.isFinal && lt + 9 > n) return XML_END; // too short to tell what markup this is
      const c = xml.charCodeAt(lt + 1);
      if (c === 63 /* ? */) {
        const after = this.skipPast("?>", lt);
        if (after < 0) return XML_END;
        this.pos = after;
        continue;
      }
      if (c === 33 /* ! */) {
        if (xml.startsWith("<![CDATA[", lt)) {
          const close = xml.indexOf("]]>", lt + 9);
          if (close < 0 && !this.isFinal) return XML_END;
          if (close < 0) throw new Error("unterminated CDATA section");
          this.textStart = lt + 9;
          this.textEnd = close;
          this.isCdata = true;
          this.pos = close + 3;
          return XML_TEXT;
        }
        const after = xml.startsWith("<!--", lt) ? this.skipPast("-->", lt) : this.skipPast(">", lt);
        if (after < 0) return XML_END;
        this.pos = after;
        continue;
      }
      const gt = xml.indexOf(">", lt);
      if (gt < 0 && !this.isFinal) return XML_END;
      if (gt < 0) throw new Error(`unterminated tag at character ${lt}`);
      this.pos = gt + 1;
      if (c === 47 /* / */) {
        this.name = localName(xml, lt + 2, gt);
        return XML_CLOSE;
      }
      let nameEnd = lt + 1;
      while (nameEnd < gt) {
        const k = xml.charCodeAt(nameEnd);
        if (k === 32 || k === 9 || k === 10 || k === 13 || k === 47) break;
        nameEnd++;
      }
      this.name = localName(xml, lt + 1, nameEnd);
      this.isSelfClosing = xml.charCodeAt(gt - 1) === 47;
      this.attrStart = nameEnd;
      this.unusualAttrs = -1;
      this.attrEnd = this.isSelfClosing ? gt - 1 : gt;
      return XML_OPEN;
    }
    return XML_END;
  }

  /** Decoded text of the current XML_TEXT token. */
  text(): string {
    const raw = this.xml.slice(this.textStart, this.textEnd);
    return this.isCdata ? raw : decodeXmlText(raw);
  }

  /** The raw attribute text of the current open tag (for callers that read several at once). */
  attrText(): string {
    return this.xml.slice(this.attrStart, this.attrEnd);
  }

  /** Decoded value of an attribute of the current open tag, matched by local name. */
  attr(name: string): string | undefined {
    // Fast path: `name="` preceded by whitespace or a prefix colon, as every writer emits.
    const xml = this.xml;
    const end = this.attrEnd;
    const key = name + '="';
    let at = xml.indexOf(key, this.attrStart);
    while (at >= 0 && at < end) {
      const before = xml.charCodeAt(at - 1);
      if (before === 32 || before === 9 || before === 10 || before === 13 || before === 58) {
        // A prefixed match (x:name) must not be a namespace declaration (xmlns:name).
        if (before !== 58 || !isXmlnsPrefix(xml, at - 1)) {
          const close = xml.indexOf('"', at + key.length);
          if (close < 0 || close > end) return undefined;
          const raw = xml.slice(at + key.length, close);
          return raw.indexOf("&") >= 0 || raw.indexOf("_x") >= 0 ? decodeXmlText(raw) : raw;
        }
      }
      at = xml.indexOf(key, at + 1);
    }
    // Single-quoted values or spaces around "=": the general parser.
    if (this.unusualAttrs === -1) {
      this.unusualAttrs = 0;
      for (let i = this.attrStart; i < end; i++) {
        const c = xml.charCodeAt(i);
        if (c === 39 || (c === 61 && xml.charCodeAt(i + 1) !== 34)) {
          this.unusualAttrs = 1;
          break;
        }
      }
    }
    return this.unusualAttrs === 1 ? this.attrSlow(name) : undefined;
  }

  private attrSlow(name: string): string | undefined {
    const xml = this.xml;
    let i = this.attrStart;
    const end = this.attrEnd;
    while (i < end) {
      const eq = xml.indexOf("=", i);
      if (eq < 0 || eq >= end) return undefined;
      const key = xml.slice(i, eq).trim();
      let q = eq + 1;
      while (q < end && xml.charCodeAt(q) !== 34 && xml.charCodeAt(q) !== 39) q++;
      const quote = xml[q];
      if (quote === undefined) return undefined;
      const close = xml.indexOf(quote, q + 1);
      if (close < 0) return undefined;
      const colon = key.lastIndexOf(":");
      const local = colon < 0 ? key : key.slice(colon + 1);
      // xmlns declarations are not attributes a caller asks for.
      if (local === name && !key.startsWith("xmlns")) return decodeXmlText(xml.slice(q + 1, close));
      i = close + 1;
    }
    return undefined;
  }

  /** Position after `marker`; when scanning a piece and it is not there, stays put (-1). */
  private skipPast(marker: string, from: number): number {
    const at = this.xml.indexOf(marker, from);
    if (at < 0 && !this.isFinal) return -1;
    if (at < 0) throw new Error(`unterminated markup at character ${from}`);
    return at + marker.length;
  }
}

function localName(xml: string, start: number, end: number): string {
  let e = end;
  while (e > start && xml.charCodeAt(e - 1) <= 32) e--; // "</v >"
  for (let i = start; i < e; i++) if (xml.charCodeAt(i) === 58) return xml.slice(i + 1, e);
  return xml.slice(start, e);
}

/** Whether the prefix ending at `colon` is `xmlns`. */
function isXmlnsPrefix(xml: string, colon: number): boolean {
  return colon >= 5 && xml.startsWith("xmlns", colon - 5);
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes entities and OOXML's `_xHHHH_` escapes (used for control characters). */
export function decodeXmlText(raw: string): string {
  let s = raw;
  if (s.indexOf("&") >= 0) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, body: string) => {
      if (body[0] === "#") {
        const code =
          body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return NAMED_ENTITIES[body] ?? whole;
    });
  }
  if (s.indexOf("_x") >= 0) {
    s = s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return s;
}
