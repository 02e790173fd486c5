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
