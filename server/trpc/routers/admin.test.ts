import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { auditLog, examples, LIVE_SCOPE, macros, slaPolicies, tickets, users } from "@/db/schema";
import { allowedLabels } from "@/server/learning/labels";
import { callerFor, makeUser } from "@/test/db/fixtures";

const audits = (entity: string, entityId: string) =>
  getDb()
    .select({ action: auditLog.action, changes: auditLog.changes, actor: auditLog.actorUserId })
    .from(auditLog)
    .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, entityId)))
    .orderBy(auditLog.createdAt);

describe("admin: categories", () => {
  it("an admin adds, edits and disables a category; a disabled one is no longer offered to triage", async () => {
    const admin = await makeUser("admin");
    const api = callerFor(admin);
    const name = `Warranty ${randomUUID().slice(0, 6)}`;
    const { key } = await api.taxonomy.save({ category: { label: name, description: "Broken within two years", enabled: true } });
    expect(key).toMatch(/^WARRANTY_[A-Z0-9]+$/);
    expect((await api.taxonomy.categories()).map((c) => c.key)).toContain(key);
    expect(await allowedLabels(getDb(), "category", { forTriage: true })).toContain(key);

    expect(await api.taxonomy.save({ key, category: { label: name, description: "Broken within two years", enabled: true } })).toEqual({ key, changed: false });
    await api.taxonomy.save({ key, category: { label: `${name}!`, description: "Repairs", enabled: false } });
    expect((await api.taxonomy.categories()).map((c) => c.key)).not.toContain(key);
    expect((await api.taxonomy.all()).find((c) => c.key === key)).toMatchObject({ label: `${name}!`, description: "Repairs", enabled: false });
    expect(await allowedLabels(getDb(), "category", { forTriage: true })).not.toContain(key);
    // A correction to it stays a true fact: it is still a known label outside triage.
    expect(await allowedLabels(getDb(), "category")).toContain(key);

    const trail = await audits("category", key);
    expect(trail.map((a) => a.action)).toEqual(["created", "updated"]);
    expect(trail[1]?.changes).toEqual({ label: { from: name, to: `${name}!` }, description: { from: "Broken within two years", to: "Repairs" }, enabled: { from: true, to: false } });
    expect(trail[1]?.actor).toBe(admin.id);

    await expect(api.taxonomy.save({ category: { label: name, description: "", enabled: true } })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(api.taxonomy.save({ category: { label: "  ", description: "", enabled: true } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor(await makeUser("manager")).taxonomy.save({ category: { label: "x", description: "", enabled: true } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("admin: teams", () => {
  it("an admin creates a team with members, renames it (its learner examples follow) and deletes it", async () => {
    const admin = await makeUser("admin");
    const api = callerFor(admin);
    const [a, b] = [await makeUser("agent"), await makeUser("agent")];
    const name = `Returns ${randomUUID().slice(0, 6)}`;
    const { id } = await api.teams.save({ name, memberIds: [a.id, b.id] });
    expect((await api.teams.list()).find((t) => t.id === id)?.members.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());

    const [example] = await getDb()
      .insert(examples)
      .values({ scope: LIVE_SCOPE, field: "team", label: name, text: `a ticket for ${name}`, textHash: randomUUID(), source: "agent" })
      .returning({ id: examples.id });
    await api.teams.save({ id, name: `${name} & Exchanges`, memberIds: [a.id] });
    const [relabelled] = await getDb().select({ label: examples.label }).from(examples).where(eq(examples.id, example!.id));
    expect(relabelled?.label).toBe(`${name} & Exchanges`);
    const [bRow] = await getDb().select({ teamId: users.teamId }).from(users).where(eq(users.id, b.id));
    expect(bRow?.teamId).toBeNull();
    await expect(api.teams.save({ name: `${name} & Exchanges`, memberIds: [] })).rejects.toMatchObject({ code: "CONFLICT" });

    const [macro] = await getDb().insert(macros).values({ name: "Team macro", body: "Hi", teamId: id }).returning({ id: macros.id });
    await api.teams.remove({ id });
    expect((await api.teams.list()).some((t) => t.id === id)).toBe(false);
    const [aRow] = await getDb().select({ teamId: users.teamId }).from(users).where(eq(users.id, a.id));
    expect(aRow?.teamId).toBeNull();
    expect(await getDb().select().from(macros).where(eq(macros.id, macro!.id))).toEqual([]);
    const trail = await audits("team", id);
    expect(trail.map((x) => x.action)).toEqual(["created", "updated", "deleted"]);
    expect(trail[1]?.changes).toMatchObject({ name: { from: name, to: `${name} & Exchanges` }, members: { to: [a.id] } });
    expect(trail[2]?.changes).toMatchObject({ members: { from: 1 }, macros: { from: 1 } });

    await expect(callerFor(await makeUser("agent")).teams.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("admin: SLA policies", () => {
  const db = getDb();
  let saved: (typeof slaPolicies.$inferSelect)[] = [];
  afterAll(async () => {
    // The policies are shared by every test file: put them back.
    await db.delete(slaPolicies);
    if (saved.length) await db.insert(slaPolicies).values(saved);
  });

  it("an admin changes and removes targets; open tickets' deadlines follow at once", async () => {
    saved = await db.select().from(slaPolicies);
    const admin = await makeUser("admin");
    const api = callerFor(admin);
    const createdAt = new Date(Date.now() - 10 * 60_000);
    const [urgent, low, solved] = await db
      .insert(tickets)
      .values([
        { subject: "sla urgent", priority: "urgent", status: "open", channel: "manual", createdAt },
        { subject: "sla low", priority: "low", status: "open", channel: "manual", createdAt },
        { subject: "sla solved", priority: "urgent", status: "solved", channel: "manual", createdAt },
      ])
      .returning({ id: tickets.id });
    await api.sla.save({
      targets: [
        { priority: "urgent", firstReplyMinutes: 30, resolutionMinutes: 120 },
        { priority: "low", firstReplyMinutes: null, resolutionMinutes: null },
      ],
    });
    const policies = await api.sla.policies();
    expect(policies.map((p) => p.priority)).toEqual(["urgent", "high", "normal", "low"]);
    expect(policies[0]).toEqual({ priority: "urgent", firstReplyMinutes: 30, resolutionMinutes: 120 });
    expect(policies[3]).toEqual({ priority: "low", firstReplyMinutes: null, resolutionMinutes: null });

    const due = async (id: string) => (await db.select({ d: tickets.slaDueAt }).from(tickets).where(eq(tickets.id, id)))[0]?.d ?? null;
    expect((await due(urgent!.id))?.getTime()).toBe(createdAt.getTime() + 30 * 60_000);
    expect(await due(low!.id)).toBeNull();
    expect(await due(solved!.id)).toBeNull();
    expect((await audits("sla_policy", "low")).at(-1)?.action).toBe("removed");

    await expect(api.sla.save({ targets: [{ priority: "high", firstReplyMinutes: 60, resolutionMinutes: 30 }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.sla.save({ targets: [{ priority: "high", firstReplyMinutes: 60, resolutionMinutes: null }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor(await makeUser("manager")).sla.save({ targets: [{ priority: "high", firstReplyMinutes: 1, resolutionMinutes: 2 }] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
