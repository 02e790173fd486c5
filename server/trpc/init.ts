import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { getSessionUser, type SessionUser } from "@/server/auth/session";
import { hasRole } from "@/server/auth/roles";
import { AppError } from "@/server/errors";
import { getDb } from "@/db/client";

export interface Context {
  db: Db;
  user: SessionUser | null;
  headers: Headers;
}

export async function createContext(opts: { headers: Headers }): Promise<Context> {
  return { db: getDb(), user: await getSessionUser(), headers: opts.headers };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        fields: cause instanceof AppError ? (cause.fields ?? null) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Domain errors become their tRPC code; anything else is logged and shown generically by tRPC. */
const errors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) throw cause.toTRPC();
    if (result.error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path}:`, result.error.cause ?? result.error);
  }
  return result;
});

export const publicProcedure = t.procedure.use(errors);

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
