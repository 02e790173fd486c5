/**
 * Personal data out of training text: e-mail addresses, phone numbers, card numbers (Luhn-checked), IBANs
 * (mod-97 checked) and the customer's known names become typed placeholders. The model learns to write
 * `{{customer_name}}` where a name goes, and nothing it learns can be replayed to another customer.
 *
 * Checksums keep order numbers, tracking codes and amounts intact: a 16-digit order id that fails Luhn is not a card,
 * and a digit run without "+" or separators is an id, not a phone. Names that are also words ("Will", "May", "Bill")
 * are replaced only where they are used as a name (with the surname, after a greeting, or alone on a signature line).
 */

export const PLACEHOLDERS = {
  email: "{{customer_email}}",
  phone: "{{phone}}",
  card: "{{card_number}}",
  iban: "{{iban}}",
  name: "{{customer_name}}",
} as const;
export type RedactionKind = keyof typeof PLACEHOLDERS;

export interface RedactOptions {
  /** The customer's known names (e.g. "Jane van der Berg"): the whole name and each part of it are replaced. */
  names?: readonly (string | null | undefined)[];
}

export interface Redacted {
  text: string;
  /** How many of each were replaced. */
  counts: Record<RedactionKind, number>;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// Country code, check digits, then 11–30 letters/digits, optionally in groups of four.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
// 13–19 digits, single spaces or dashes allowed between them.
const CARD = /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// "+44 20 7946 0958", "0044 (20) 7946-0958", "(555) 123-4567", "030/1234567": digits with separators or a country prefix.
const PHONE = /(?<![\p{L}\p{N}+])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-/]?\(?\d{1,5}\)?){1,6}(?![\p{L}\p{N}])/gu;
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** Names that are also ordinary words or months: replaced only where the text uses them as a name. */
const WORD_NAMES = new Set(
  (
    "will may mark bill hope rose grace june april august faith joy sue pat rich frank art dawn summer page chase " +
    "hunter penny ruby amber iris jack guy ray sky river august autumn winter honey baker miles lane young king " +
    "victor max carol noel sunny stone major rob sean norm gene"
  ).split(" "),
);
const GREETING = /(?:^|[\s,.;:!?])(?:hi|hello|hey|dear|thanks|thank you|regards|cheers|best|sincerely|yours|greetings|hallo|hola|bonjour|ciao|olá|liebe|lieber|sehr geehrte[rs]?|estimad[oa]|cher|chère)[,:!]?\s*$/iu;

export function redact(text: string, options: RedactOptions = {}): Redacted {
  const counts: Record<RedactionKind, number> = { email: 0, phone: 0, card: 0, iban: 0, name: 0 };
  const put = (kind: RedactionKind) => {
    counts[kind]++;
    return PLACEHOLDERS[kind];
  };
  let out = text.replace(EMAIL, () => put("email"));
  out = out.replace(IBAN, (m) => (ibanValid(m) ? put("iban") : m));
  out = out.replace(CARD, (m) => (luhnValid(m.replace(/\D/g, "")) ? put("card") : m));
  out = out.replace(PHONE, (m) => (looksLikePhone(m) ? put("phone") : m));
  out = redactNames(out, options.names ?? [], () => put("name"));
  return { text: out, counts };
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, "");
  if (iban.length < 15 || iban.length > 34) return false;
  // ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97 must be 1.
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

function looksLikePhone(m: string): boolean {
  const digits = m.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE.test(m)) return false;
  // A bare digit run is an order number, a tracking code or an amount; a phone number is written with a "+" or separators.
  return m.startsWith("+") || /[ .\-/()]/.test(m.trim());
}

function redactNames(text: string, names: readonly (string | null | undefined)[], put: () => string): string {
  const full = [...new Set(names.map((n) => n?.trim().replace(/\s+/g, " ")).filter((n): n is string => !!n && n.length >= 2))];
  if (!full.length) return text;
  let out = text;
  const isWord = (p: string) => WORD_NAMES.has(p.toLowerCase());
  // Whole names first (longest first), then the surname with its particles ("van der Berg"), then each part.
  const multi = full.filter((n) => n.includes(" "));
  for (const name of [...multi, ...multi.map((n) => n.slice(n.indexOf(" ") + 1))].sort((a, b) => b.length - a.length)) {
    const flags = name.split(" ").every(isWord) ? "gu" : "giu";
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}{])${escapeRegExp(name).replace(/ /g, "\\s+")}(?![\\p{L}\\p{N}}])`, flags), put);
  }
  const parts = [...new Set(full.flatMap((n) => n.split(" ")).filter((p) => p.length >= 2 && !/^(van|von|de|der|den|da|di|du|la|le|del|y)$/i.test(p)))];
  for (const part of parts.sort((a, b) => b.length - a.length)) {
    const word = isWord(part);
    // A name that is also a word counts only capitalised and where it is a name; others in any case ("hi jane").
    const re = new RegExp(`(?<![\\p{L}\\p{N}{])${escapeRegExp(part)}(?![\\p{L}\\p{N}}])`, word ? "gu" : "giu");
    out = out.replace(re, (m, offset: number, whole: string) => {
      if (!word) return put();
      if (m[0] !== m[0]!.toUpperCase()) return m;
      const before = whole.slice(Math.max(0, whole.lastIndexOf("\n", offset - 1) + 1), offset);
      const lineEnd = whole.indexOf("\n", offset);
      const after = whole.slice(offset + m.length, lineEnd === -1 ? undefined : lineEnd);
      const signatureLine = before.trim() === "" && /^[\s,.!]*$/.test(after);
      return GREETING.test(before) || signatureLine || after.startsWith(` ${PLACEHOLDERS.name}`) ? put() : m;
    });
  }
  return out;
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
