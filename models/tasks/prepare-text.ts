import sanitizeHtml from "sanitize-html";
import { detectInjection } from "./injection";

/**
 * What the model may read of a customer message. Text a person would not see in their mail client (CSS-hidden or
 * white-on-white HTML, zero-width and Unicode tag characters, base64 blobs) is where an attacker puts instructions
 * meant only for the model: it is removed here, before any prompt is built, and reported so the agent sees it.
 */
export interface PreparedText {
  text: string;
  /** What was removed and why, e.g. "hidden-html", "zero-width", "unicode-tags", "encoded-text". */
  removed: string[];
  /** Hidden or decoded text that reads like instructions to the model: the ticket is flagged as an injection. */
  hiddenInstructions: boolean;
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\u2061-\u2064\uFEFF\u180E\u00AD]/g;
// Unicode "tag" characters mirror ASCII invisibly (U+E0020–U+E007E): a known way to smuggle instructions.
const TAG_CHARS = /[\u{E0000}-\u{E007F}]+/gu;
const BASE64 = /(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?/g;
const HIDDEN_STYLE =
  /display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)|font-size\s*:\s*0(?:px|pt|em|rem)?\s*(?:;|$)|max-height\s*:\s*0|(?:^|;)\s*color\s*:\s*(?:#f{3}\b|#f{6}\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)/i;

export function prepareTicketText(input: { text: string; html?: string | null }): PreparedText {
  const removed = new Set<string>();
  let hiddenInstructions = false;
  let text = input.text;

  if (input.html) {
    for (const hidden of hiddenHtmlTexts(input.html)) {
      const needle = hidden.replace(/\s+/g, " ").trim();
      if (needle.length < 3) continue;
      if (detectInjection(needle).suspicious) hiddenInstructions = true;
      const flat = text.replace(/\s+/g, " ");
      if (flat.includes(needle)) {
        text = flat.replace(needle, " ");
        removed.add("hidden-html");
      }
    }
  }

  const tags = text.match(TAG_CHARS);
  if (tags) {
    const smuggled = tags.map((t) => String.fromCodePoint(...[...t].map((c) => c.codePointAt(0)! - 0xe0000))).join(" ");
    if (detectInjection(smuggled).suspicious) hiddenInstructions = true;
    text = text.replace(TAG_CHARS, "");
    removed.add("unicode-tags");
  }
  if (ZERO_WIDTH.test(text)) {
    text = text.replace(ZERO_WIDTH, "");
    removed.add("zero-width");
  }

  text = text.replace(BASE64, (blob) => {
    const decoded = decodeBase64Text(blob);
    if (decoded === null) return blob;
    removed.add("encoded-text");
    if (detectInjection(decoded).suspicious) hiddenInstructions = true;
    return "[encoded text removed]";
  });

  return { text: text.replace(/[ \t]{2,}/g, " ").trim(), removed: [...removed], hiddenInstructions };
}

/** The text of every element styled to be invisible, innermost first. */
function hiddenHtmlTexts(html: string): string[] {
  const found: string[] = [];
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    // Only the filter's side effect is used; the sanitized output is thrown away.
    allowVulnerableTags: true,
    exclusiveFilter: (frame) => {
      const style = frame.attribs?.style ?? "";
      const hiddenAttr = "hidden" in (frame.attribs ?? {}) || frame.attribs?.["aria-hidden"] === "true";
      if ((HIDDEN_STYLE.test(style) || hiddenAttr) && frame.text.trim()) found.push(frame.text);
      return false;
    },
  });
  return found;
}

/** A base64 run that decodes to readable text (letters and spaces), or null for binary data and ordinary words. */
function decodeBase64Text(blob: string): string | null {
  if (!/[0-9+/]/.test(blob) && !/[A-Z].*[a-z].*[A-Z]/.test(blob)) return null;
  const decoded = Buffer.from(blob, "base64").toString("utf8");
  const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\s]/gu, "");
  return decoded.length >= 12 && printable.length / decoded.length > 0.95 && /\s/.test(decoded) ? decoded : null;
}
