/** Runs once when the web server starts (Next.js instrumentation hook). */
export async function register() {
  // NEXT_RUNTIME is set by Next itself; only the Node.js server logs request errors to this console.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { redactConsoleErrors } = await import("@/server/redact-console");
    redactConsoleErrors();
  }
}
