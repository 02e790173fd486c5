import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { getSessionUser, type SessionUser } from "@/server/auth/session";
import { hasRole } from "@/server/auth/roles";
import { cleanDeep } from "@/server/clean-input";
import { AppError, publicMessage, reportError } from "@/server/errors";
import { getDb } from "@/db/client";

export interface Context {
  db: Db;
  user: SessionUser | null;
  headers: Headers;
}

export async function createContext(opts: { headers: Headers }): Promise<Context> {
  try {
    return { db: getDb(), user: await getSessionUser(), headers: opts.headers };
  } catch (err) {
    // Reading the session touches the database: outside any procedure, so this is its boundary.
    const r = reportError("trpc context", err);
    throw new TRPCError({ code: r.code === "UNAVAILABLE" ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR", message: publicMessage(r) });
  }
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // Last line of defence (e.g. a failure while building the context): an internal error's message and stack
    // never reach the client; the procedure middleware below has already logged and replaced the ones it saw.
    const internal = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof AppError);
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal && !error.message.includes("error id") ? "Something went wrong." : shape.message,
      data: {
        ...data,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        fields: cause instanceof AppError ? (cause.fields ?? null) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/**
 * The error boundary of every procedure: domain errors become their tRPC code; anything else is logged by kind and
 * id only (never its message: a driver error quotes the query with every value) and answered with that id, as
 * SERVICE_UNAVAILABLE when the database cannot be reached.
 */
const errors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError && cause.code !== "INTERNAL") throw cause.toTRPC();
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      const r = reportError(`trpc ${path}`, cause ?? result.error);
      throw new TRPCError({ code: r.code === "UNAVAILABLE" ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR", message: publicMessage(r) });
    }
  }
  return result;
});

/** Every string of every input cleaned before validation (see server/clean-input.ts). */
const cleanInput = t.middleware(async ({ next, getRawInput }) => next({ getRawInput: async () => cleanDeep(await getRawInput()) }));

export const publicProcedure = t.procedure.use(errors).use(cleanInput);

const requireRole = (role: UserRole) =>
  t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
    if (!hasRole(ctx.user, role)) throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role.` });
    // Narrowed: handlers get a non-null user.
    return next({ ctx: { ...ctx, user: ctx.user } });
  });

export const agentProcedure = publicProcedure.use(requireRole("agent"));
export const managerProcedure = publicProcedure.use(requireRole("manager"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));
