import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";

/** Typed domain errors; mapped to tRPC and HTTP codes in one place. */
const CODES = {
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  INVALID_INPUT: { trpc: "BAD_REQUEST", http: 400 },
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  TOO_MANY_REQUESTS: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", http: 500 },
} as const satisfies Record<string, { trpc: TRPCError["code"]; http: number }>;

export type AppErrorCode = keyof typeof CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Field-level messages for forms: { email: "already in use" }. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
  get httpStatus() {
    return CODES[this.code].http;
  }
  toTRPC() {
    return new TRPCError({ code: CODES[this.code].trpc, message: this.message, cause: this });
  }
}

/** The error and its causes (drizzle wraps the driver's error, which may wrap a socket error). */
function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e != null && out.length < 5; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

const field = (e: unknown, k: string) => (typeof e === "object" && e !== null ? (e as Record<string, unknown>)[k] : undefined);

// Socket and postgres.js connection codes, and SQLSTATEs of a server shutting down, starting or full.
const DB_DOWN = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND",
  "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P02", "57P03", "53300",
]);

/** True when the database cannot be reached (as opposed to a query it refused). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some((e) => DB_DOWN.has(String(field(e, "code") ?? "")) || (e instanceof AppError && e.code === "UNAVAILABLE"));
}

/** True for any error that came from the database driver (whose message may quote a query and its values). */
export function isDatabaseError(err: unknown): boolean {
  return isDatabaseUnavailable(err) || causes(err).some((e) => typeof field(e, "severity") === "string" && typeof field(e, "code") === "string");
}

export interface ErrorReport {
  /** Short id shown to the caller and written in the log line, so a report finds its log line. */
  id: string;
  code: AppErrorCode;
  /** Safe for logs: codes, table and constraint names, code locations; never a message, query or parameter. */
  detail: string;
}

/**
 * What an unexpected error may say in a log. Driver messages carry the failed query with every parameter
 * (drizzle: "Failed query: … params: …"), so customer messages and secrets would land in the log; other
 * messages may quote input too. The log keeps the kind of error and where it was thrown, which is enough to
 * find the bug, and the id ties it to what the caller saw.
 */
export function describeError(err: unknown): ErrorReport {
  const id = randomBytes(4).toString("hex");
  if (isDatabaseUnavailable(err)) {
    const code = causes(err).map((e) => field(e, "code")).find((c) => DB_DOWN.has(String(c)));
    return { id, code: "UNAVAILABLE", detail: `database unavailable (${String(code ?? "connection")})` };
  }
  const pg = causes(err).find((e) => typeof field(e, "severity") === "string" && typeof field(e, "code") === "string");
  if (pg) {
    const parts = ["database error", `sqlstate=${String(field(pg, "code"))}`];
    for (const k of ["table_name", "column_name", "constraint_name", "routine"]) if (field(pg, k)) parts.push(`${k.replace("_name", "")}=${String(field(pg, k))}`);
    return { id, code: "INTERNAL", detail: parts.join(" ") };
  }
  const root = causes(err).at(-1);
  const name = root instanceof Error ? root.name : typeof root;
  const at = root instanceof Error ? (root.stack ?? "").split("\n").filter((l) => l.trim().startsWith("at ")).slice(0, 3).map((l) => l.trim()) : [];
  return { id, code: "INTERNAL", detail: [name, ...at].join(" ") };
}

/**
 * An error's message when it is safe to show and store (our own errors, timeouts, a model's refusal); a driver
 * error's kind and id instead, its message quoting a query and every value.
 */
export function safeMessage(err: unknown): string {
  if (!isDatabaseError(err)) return err instanceof Error ? err.message : String(err);
  const r = describeError(err);
  return `${r.code}: ${r.detail} (error id ${r.id})`;
}

/** The message a caller gets for an unexpected error: nothing about the cause, the id to quote. */
export function publicMessage(r: ErrorReport) {
  return r.code === "UNAVAILABLE"
    ? `The service is temporarily unavailable; try again in a moment (error id ${r.id}).`
    : `Something went wrong; it has been logged (error id ${r.id}).`;
}

/** Logs an unexpected error at an entry point (`where`: "trpc tickets.create", "smtp", "job triage") and returns its report. */
export function reportError(where: string, err: unknown, log: (line: string) => void = (l) => console.error(l)): ErrorReport {
  const r = describeError(err);
  log(`[error] ${where}: ${r.code} ${r.detail} (error id ${r.id})`);
  return r;
}
