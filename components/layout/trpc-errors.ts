import type { TRPCClientErrorLike } from "@trpc/client";
import type { AppRouter } from "@/server/trpc/root";

type ClientError = TRPCClientErrorLike<AppRouter>;

/**
 * Field messages for a form from a failed mutation: zod's per-field errors (bad input) and the domain's
 * AppError fields (e.g. "email already in use"), first message per field.
 */
export function fieldErrors(error: ClientError | null | undefined): Record<string, string> {
  if (!error?.data) return {};
  const out: Record<string, string> = {};
  for (const [key, messages] of Object.entries(error.data.zodError?.fieldErrors ?? {})) {
    const first = (messages as string[] | undefined)?.[0];
    if (first) out[key] = first;
  }
  return { ...out, ...(error.data.fields ?? {}) };
}

/** The message to show above a form: none when every problem belongs to a field. */
export function formError(error: ClientError | null | undefined): string | null {
  if (!error) return null;
  if (Object.keys(fieldErrors(error)).length > 0) return null;
  return error.message;
}
