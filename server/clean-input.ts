/**
 * Input cleaning applied once at every way in (tRPC, REST, webhooks, e-mail, sign-in), so no verb has to remember it.
 * Postgres text and jsonb cannot hold U+0000 (a NUL made inserts fail with the whole statement in the error), and
 * other C0 controls, lone surrogates and non-characters are never meaningful in ticket text, names or tokens.
 * Tab, line feed and carriage return stay. Raw bytes (the stored original of an e-mail) are never cleaned.
 */
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g;

export function cleanText(s: string): string {
  return s.toWellFormed().replace(INVALID, "");
}

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Every string in plain objects and arrays cleaned (keys too); other values (dates, buffers) unchanged. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value && typeof value === "object" && isPlain(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)])) as T;
  }
  return value;
}
