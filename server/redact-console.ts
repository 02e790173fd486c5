import { describeError } from "@/server/errors";

/**
 * Next.js logs the errors it catches itself (a server component or route that threw), with the error's message:
 * for a failed query that is drizzle's "Failed query: … params: …", i.e. ticket text, e-mails or tokens. In the web
 * process every Error handed to the console is therefore replaced by its kind, location and an id (plus Next's
 * digest, which the error page shows the user), the same description the entry points' boundaries log.
 */
export function redactConsoleErrors() {
  for (const level of ["error", "warn", "log", "info"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) =>
      original(
        ...args.map((a) => {
          if (!(a instanceof Error)) return a;
          const r = describeError(a);
          const digest = (a as { digest?: string }).digest;
          return `[error] ${r.code} ${r.detail} (error id ${r.id}${digest ? `, digest ${digest}` : ""})`;
        }),
      );
  }
}
