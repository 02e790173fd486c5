/**
 * A path inside this app to return to after sign-in, or null. Only same-origin paths: "/tickets/…" yes, an absolute
 * URL or a protocol-relative "//evil.example" never (an open redirect).
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if (value.startsWith("/signin") || value.startsWith("/api/")) return null;
  return value.slice(0, 1000);
}
