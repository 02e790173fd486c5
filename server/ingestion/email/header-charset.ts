import { analyse } from "chardet";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(b: Buffer) {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

function decoderFor(label: string | undefined) {
  if (!label) return null;
  try {
    const d = new TextDecoder(label.toLowerCase().replace(/^x-/, ""));
    return d.encoding === "utf-8" ? null : d;
  } catch {
    return null;
  }
}

const CANDIDATES = ["shift_jis", "euc-jp", "gb18030", "big5", "euc-kr", "windows-1251", "koi8-r", "windows-1252", "iso-8859-2"];

/**
 * How much a decoding reads like text: letters of one script score, symbols and private-use characters cost.
 * An accented Latin letter counts only next to an ASCII letter ("Fröschen"), since Cyrillic or CJK bytes read
 * as Latin-1 give runs of accented letters alone ("Ïðèâåò").
 */
function plausibility(text: string) {
  let score = 0;
  const chars = [...text];
  chars.forEach((c, i) => {
    const u = c.codePointAt(0)!;
    if (u < 0x80) return;
    // Other scripts do not sit inside a Latin word: "R點kerstattung" is Latin-1 read as GB18030.
    const inLatinWord = /[a-z]/i.test(chars[i - 1] ?? "") || /[a-z]/i.test(chars[i + 1] ?? "");
    if ((u >= 0x3040 && u <= 0x30ff) || (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xac00 && u <= 0xd7af)) score += inLatinWord ? -1 : 2;
    else if (u >= 0x0410 && u <= 0x044f) score += inLatinWord ? -1 : 1;
    else if (u >= 0xc0 && u <= 0x24f && u !== 0xd7 && u !== 0xf7) score += inLatinWord ? 1 : 0;
    else score -= 1;
  });
  return score;
}

function bestDecoder(sample: Buffer) {
  // TextDecoder reads ISO-8859-1 as its superset Windows-1252.
  const chardet = new Map(analyse(sample).map((c) => [c.name.toLowerCase().replace(/^iso-8859-1$/, "windows-1252"), c.confidence]));
  let best: { d: TextDecoder; score: number } | null = null;
  for (const label of CANDIDATES) {
    let text: string;
    try {
      text = new TextDecoder(label, { fatal: true }).decode(sample);
    } catch {
      continue;
    }
    const score = plausibility(text) + (chardet.get(label) ?? 0) / 100;
    if (!best || score > best.score) best = { d: new TextDecoder(label), score };
  }
  return best?.d ?? new TextDecoder("windows-1252");
}

function headerEnd(raw: Buffer) {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  if (crlf < 0) return lf;
  return lf < 0 ? crlf : Math.min(crlf, lf);
}

/**
 * Header bytes that RFC 2047 should have encoded but a client sent raw (Latin-1, Shift_JIS, …) are read as UTF-8
 * by the parser and turn into "Fr�sche". Returns the bytes with each such header line re-written as UTF-8, the
 * charset chosen from what the message declares for its text, else detected from those bytes (the most plausible of
 * the usual legacy charsets, chardet's confidence breaking ties). Lines that already are UTF-8 are left alone; the stored raw message is never changed.
 */
export function decode8bitHeaders(raw: Buffer): Buffer {
  const end = headerEnd(raw);
  const head = end < 0 ? raw : raw.subarray(0, end);
  if (!head.some((b) => b >= 0x80) || isUtf8(head)) return raw;
  const lines: Buffer[] = [];
  for (let start = 0; start < head.length; ) {
    const nl = head.indexOf(0x0a, start);
    const stop = nl < 0 ? head.length : nl + 1;
    lines.push(head.subarray(start, stop));
    start = stop;
  }
  const broken = lines.filter((l) => !isUtf8(l));
  const declared = /charset\s*=\s*"?([a-z0-9_.:-]+)/i.exec(raw.subarray(0, 256 * 1024).toString("latin1"))?.[1];
  const decoder = decoderFor(declared) ?? bestDecoder(Buffer.concat(broken.map((l) => l.subarray(Math.max(0, l.indexOf(":") + 1)))));
  const fixed = lines.map((l) => (isUtf8(l) ? l : Buffer.from(decoder.decode(l), "utf8")));
  return Buffer.concat([...fixed, raw.subarray(head.length)]);
}
