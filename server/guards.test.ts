import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import type { UserRole } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { createApiKey, revokeApiKey, type ApiScope } from "@/server/ingestion/api/keys";
import { API_SCOPES } from "@/server/ingestion/api/scopes";
import { createWebhookSource, disableWebhookSource } from "@/server/ingestion/webhooks/sources";
import { signWebhook } from "@/server/ingestion/webhooks/verify";
import { appRouter } from "@/server/trpc/root";

/**
 * Every guard, tested: each tRPC procedure as anonymous, agent, manager and admin, and each HTTP route without a key,
 * with a key of the wrong scope and with a revoked key. The tables are compared with the router and the route files,
 * so a procedure or route added without an entry here fails this test.
 */

// The least role each procedure needs. "public" would be a procedure anyone may call: there are none.
const PROCEDURES: Record<string, UserRole | "public"> = {
  "ingest.list": "admin",
  "ingest.get": "admin",
  "ingest.replay": "admin",
  "analytics.options": "manager",
  "analytics.volume": "manager",
  "analytics.backlog": "manager",
  "analytics.needsHumanQueue": "manager",
  "analytics.responseTimes": "manager",
  "analytics.requesterWait": "manager",
  "analytics.slaBreaches": "manager",
  "analytics.slaAtRisk": "manager",
  "analytics.aiQuality": "manager",
  "analytics.aiConfusions": "manager",
  "analytics.learningCurve": "manager",
  "analytics.draftUse": "manager",
  "analytics.modelOps": "manager",
  "analytics.cost": "manager",
  "analytics.tickets": "manager",
  "queue.overview": "admin",
  "macros.list": "agent",
  "macros.fill": "agent",
  "macros.save": "manager",
  "macros.remove": "manager",
  "tickets.viewCounts": "agent",
  "tickets.bulkUpdate": "agent",
  "tickets.resend": "agent",
  "tickets.readMentions": "agent",
  "tickets.snooze": "agent",
  "tickets.setPresence": "agent",
  "tickets.presence": "agent",
  "tickets.onTicket": "agent",
  "triage.redraft": "agent",
  "users.update": "admin",
  "slm.overview": "admin",
  "slm.takeSnapshot": "admin",
  "slm.startFinetune": "admin",
  "slm.rollback": "admin",
  "slm.promoteShadow": "admin",
  "slm.stopShadow": "admin",
  "slm.startDistill": "admin",
  "triage.settings": "manager",
  "triage.updateSetting": "admin",
  "triage.learnerUsage": "manager",
  "triage.queue": "agent",
  "ingest.apiKeys": "admin",
  "ingest.createApiKey": "admin",
  "ingest.revokeApiKey": "admin",
  "ingest.webhookSources": "admin",
  "ingest.createWebhookSource": "admin",
  "ingest.setWebhookWriteback": "admin",
  "ingest.disableWebhookSource": "admin",
  "tickets.list": "agent",
  "tickets.get": "agent",
  "tickets.create": "agent",
  "tickets.update": "agent",
  "tickets.addMessage": "agent",
  "tickets.channels": "agent",
  "users.me": "agent",
  "users.assignable": "agent",
  "users.teams": "agent",
  "users.list": "admin",
  "users.create": "admin",
  "users.setActive": "admin",
  "taxonomy.categories": "agent",
  "taxonomy.all": "admin",
  "taxonomy.save": "admin",
  "teams.list": "admin",
  "teams.save": "admin",
  "teams.remove": "admin",
  "sla.policies": "admin",
  "sla.save": "admin",
  "triage.latest": "agent",
  "triage.retry": "agent",
  "triage.onTicket": "agent",
  "triage.onInbox": "agent",
  "learning.correct": "agent",
  "learning.accept": "agent",
  "learning.ticketFeedback": "agent",
  "learning.overview": "manager",
  "learning.encoders": "admin",
  "learning.startFinetune": "admin",
  "learning.importJob": "admin",
  "learning.startImport": "admin",
};

const RANK = { public: 0, agent: 1, manager: 2, admin: 3 } as const;
const procedures = appRouter._def.procedures as Record<string, unknown>;

/**
 * Called with an input no procedure accepts: a caller the guard lets through gets BAD_REQUEST from validation (so no
 * mutation runs), one it stops gets UNAUTHORIZED or FORBIDDEN. Procedures without input run (all are reads).
 */
async function outcome(user: Awaited<ReturnType<typeof makeUser>> | null, procPath: string): Promise<string> {
  let fn: unknown = callerFor(user);
  for (const part of procPath.split(".")) fn = (fn as Record<string, unknown>)[part];
  try {
    const r = await (fn as (input: unknown) => Promise<unknown>)("guard-probe: not a valid input");
    // A subscription without input hands back its stream without opening it; close it.
    await (r as { return?: () => Promise<unknown> } | null)?.return?.();
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? "THREW";
  }
}

describe("tRPC guards", () => {
  it("the table lists every procedure of the app router, and nothing else", () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(PROCEDURES).sort());
  });

  it("each procedure refuses callers below its role and lets the others through", async () => {
    const seen: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    const users = { anonymous: null, agent: await makeUser("agent"), manager: await makeUser("manager"), admin: await makeUser("admin") };
    for (const [procPath, need] of Object.entries(PROCEDURES)) {
      for (const role of ["anonymous", "agent", "manager", "admin"] as const) {
        const got = await outcome(users[role], procPath);
        (seen[procPath] ??= {})[role] = got === "OK" || got === "BAD_REQUEST" ? "allowed" : got;
        (expected[procPath] ??= {})[role] =
          RANK[role === "anonymous" ? "public" : role] >= RANK[need] ? "allowed" : role === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
      }
    }
    expect(seen).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------
type RouteModule = Record<string, (req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>>;
const appDir = path.resolve(import.meta.dirname, "../app");

function routeFiles(dir = path.join(appDir, "api")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}
const routeName = (file: string) => `/${path.relative(appDir, path.dirname(file))}`;

// What guards each route. "key:<scope>": an API key with that scope; "hmac": a webhook source's signature;
// "public": nothing (documents and the sign-in endpoints); "session": the tRPC procedures' guards (table above).
const ROUTES: Record<string, "public" | "session" | "hmac" | `key:${ApiScope}`> = {
  "GET /api/v1/tickets": "key:tickets:read",
  "POST /api/v1/tickets": "key:tickets:write",
  "GET /api/v1/tickets/[id]": "key:tickets:read",
  "PATCH /api/v1/tickets/[id]": "key:tickets:write",
  "POST /api/v1/tickets/[id]/messages": "key:tickets:write",
  "GET /api/v1/inbound/[id]": "key:tickets:read",
  "POST /api/ingest/email": "key:ingest:email",
  "POST /api/ingest/webhooks/[source]": "hmac",
  "GET /api/v1/openapi.json": "public",
  "GET /api/auth/[...nextauth]": "public",
  "POST /api/auth/[...nextauth]": "public",
  "GET /api/trpc/[trpc]": "session",
  "POST /api/trpc/[trpc]": "session",
  "GET /api/health": "public",
  "GET /api/admin/datasets/[id]": "session",
  "GET /api/attachments/[id]": "session",
};

async function loadRoutes() {
  const out: Record<string, RouteModule[string]> = {};
  for (const file of routeFiles()) {
    const mod = (await import(file)) as RouteModule;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) if (mod[method]) out[`${method} ${routeName(file)}`] = mod[method];
  }
  return out;
}

async function call(handler: RouteModule[string], method: string, url: string, params: Record<string, unknown>, headers: Record<string, string>, body?: string) {
  const res = await handler(new Request(`http://localhost${url}`, { method, headers: { "content-type": "application/json", ...headers }, body }), {
    params: Promise.resolve(params),
  });
  return res.status;
}

describe("HTTP route guards", () => {
  it("the table lists every route handler under app/api, and nothing else", async () => {
    expect(Object.keys(await loadRoutes()).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it("API-key routes: 401 without a key, 403 with a key of another scope, 401 with a revoked key, through with the right one", async () => {
    const routes = await loadRoutes();
    const db = getDb();
    const agent = await makeUser("agent");
    const { ticketId } = await callerFor(agent).tickets.create({ customerEmail: `g-${randomUUID()}@example.com`, subject: "Guard", text: "Guard test" });
    const keyWith = async (scopes: ApiScope[]) => (await createApiKey(db, { name: "guard", scopes, createdBy: null })).key;
    const seen: Record<string, Record<string, number>> = {};
    for (const [name, guard] of Object.entries(ROUTES)) {
      if (!guard.startsWith("key:")) continue;
      const scope = guard.slice(4) as ApiScope;
      const [method, route] = name.split(" ") as [string, string];
      const url = route.replace("[id]", ticketId);
      const body = method === "GET" ? undefined : route.startsWith("/api/ingest") ? "From: a@example.com\r\nSubject: hi\r\n\r\nhello" : "{}";
      const right = await keyWith([scope]);
      const revoked = await createApiKey(db, { name: "guard-revoked", scopes: [scope], createdBy: null });
      await revokeApiKey(db, revoked.id);
      const h = routes[name]!;
      const params = { id: ticketId };
      seen[name] = {
        none: await call(h, method, url, params, {}, body),
        wrongScope: await call(h, method, url, params, { authorization: `Bearer ${await keyWith(API_SCOPES.filter((s) => s !== scope))}` }, body),
        revoked: await call(h, method, url, params, { authorization: `Bearer ${revoked.key}` }, body),
        malformed: await call(h, method, url, params, { authorization: "Bearer dsk_not_a_key" }, body),
      };
      const ok = await call(h, method, url, params, { authorization: `Bearer ${right}` }, body);
      expect([401, 403], `${name} with the right key`).not.toContain(ok);
    }
    const expected = Object.fromEntries(Object.keys(seen).map((n) => [n, { none: 401, wrongScope: 403, revoked: 401, malformed: 401 }]));
    expect(seen).toEqual(expected);
  });

  it("webhooks: 401 unsigned or signed with another source's secret, 404 for a disabled or unknown source", async () => {
    const routes = await loadRoutes();
    const h = routes["POST /api/ingest/webhooks/[source]"]!;
    const db = getDb();
    const src = await createWebhookSource(db, { name: `guard-${randomUUID().slice(0, 8)}`, kind: "generic" });
    const other = await createWebhookSource(db, { name: `guard-${randomUUID().slice(0, 8)}`, kind: "generic" });
    const body = JSON.stringify({ event: "ticket.created", ticket: { id: randomUUID(), subject: "s", description: "d", requester: { email: "r@example.com" } } });
    const post = (name: string, headers: Record<string, string>) => call(h, "POST", `/api/ingest/webhooks/${name}`, { source: name }, headers, body);
    expect(await post(src.name, {})).toBe(401);
    expect(await post(src.name, signWebhook("generic", other.secret, body))).toBe(401);
    expect([401, 403, 404]).not.toContain(await post(src.name, signWebhook("generic", src.secret, body)));
    await disableWebhookSource(db, src.id);
    expect(await post(src.name, signWebhook("generic", src.secret, body))).toBe(404);
    expect(await post("no-such-source", signWebhook("generic", src.secret, body))).toBe(404);
  });

  it("public and session routes refuse oversized bodies before reading them", async () => {
    const routes = await loadRoutes();
    const big = { "content-length": String(200 * 1024 * 1024) };
    // A declared 200 MB body (as in the issue) is refused from its header: no body is sent at all here.
    const refused = async (name: string, url: string, params: Record<string, unknown>) => {
      const res = await routes[name]!(new Request(`http://localhost${url}`, { method: "POST", headers: big }), { params: Promise.resolve(params) });
      return res.status;
    };
    expect(await refused("POST /api/auth/[...nextauth]", "/api/auth/callback/credentials", { nextauth: ["callback", "credentials"] })).toBe(413);
    expect(await refused("POST /api/trpc/[trpc]", "/api/trpc/tickets.create", { trpc: "tickets.create" })).toBe(413);
    expect(await refused("POST /api/v1/tickets", "/api/v1/tickets", {})).toBe(401); // the key is checked first
    // A body without a declared length is read only up to the limit: a stream that never ends still gets its 413.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const streamed = await routes["POST /api/auth/[...nextauth]"]!(
      new Request("http://localhost/api/auth/callback/credentials", { method: "POST", body: endless, duplex: "half" } as RequestInit),
      { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(1024 * 1024);
    expect(await call(routes["GET /api/v1/openapi.json"]!, "GET", "/api/v1/openapi.json", {}, {})).toBe(200);
  });
});
