import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { messages, ticketPresence, tickets } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import type { LiveEvent } from "@/server/realtime/events";
import { subscribe } from "@/server/realtime/subscribe";
import { receiveMessage } from "./receive-message";

const db = getDb();

async function customerTicket(text = "My parcel has not arrived.") {
  const email = `live-${randomUUID()}@example.com`;
  const r = await receiveMessage(db, { channel: "email", from: { email }, subject: "Where is my parcel", text, actor: { kind: "system", label: "test" } });
  return { ...r, email };
}

const customerWrites = (ticketId: string, email: string, text: string) =>
  receiveMessage(db, { channel: "email", ticketId, from: { email }, subject: "Re: Where is my parcel", text, actor: { kind: "system", label: "test" } });

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? "THREW";
  }
}

describe("collision detection", () => {
  it("each agent sees the others on a ticket, viewing or typing, until they leave or stop sending heartbeats", async () => {
    const [maria, tom] = [await makeUser("agent"), await makeUser("agent")];
    const { ticketId } = await customerTicket();
    const controller = new AbortController();
    const events = (await subscribe(db, (e) => e.ticketId === ticketId && e.type === "presence", controller.signal))[Symbol.asyncIterator]();

    await callerFor(maria).tickets.setPresence({ ticketId, state: "viewing" });
    expect((await events.next()).value).toEqual({ type: "presence", ticketId } satisfies LiveEvent);
    expect(await callerFor(tom).tickets.presence({ ticketId })).toMatchObject([{ userId: maria.id, name: maria.name, state: "viewing" }]);
    // Nobody sees themselves.
    expect(await callerFor(maria).tickets.presence({ ticketId })).toEqual([]);

    await callerFor(tom).tickets.setPresence({ ticketId, state: "viewing" });
    await callerFor(maria).tickets.setPresence({ ticketId, state: "viewing" }); // a heartbeat: nothing new to tell
    await callerFor(maria).tickets.setPresence({ ticketId, state: "typing" });
    // Tom joining, then Maria typing: the heartbeat in between published nothing.
    expect((await events.next()).value).toMatchObject({ type: "presence" });
    expect((await events.next()).value).toMatchObject({ type: "presence" });
    const sawTyping = callerFor(tom).tickets.presence({ ticketId });
    expect(await sawTyping).toMatchObject([{ userId: maria.id, state: "typing" }]);

    // A closed laptop sends no goodbye: its row ages out.
    await db.update(ticketPresence).set({ seenAt: sql`now() - interval '1 minute'` }).where(eq(ticketPresence.userId, maria.id));
    expect(await callerFor(tom).tickets.presence({ ticketId })).toEqual([]);

    await callerFor(tom).tickets.setPresence({ ticketId, state: null });
    expect((await events.next()).value).toMatchObject({ type: "presence" });
    expect(await callerFor(maria).tickets.presence({ ticketId })).toEqual([]);
    controller.abort();
  });
});

describe("send guard", () => {
  it("refuses a reply written before the customer's newest message, until the agent has seen it", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId, messageId: first, email } = await customerTicket();

    await api.tickets.addMessage({ ticketId, kind: "reply", text: "We are looking into it.", seenMessageId: first });
    const { messageId: second } = await customerWrites(ticketId, email, "Never mind, it just arrived!");

    // The composer was opened before the second message: the reply would answer a question that is gone.
    const stale = api.tickets.addMessage({ ticketId, kind: "reply", text: "It is on its way, please wait.", seenMessageId: first });
    await expect(stale).rejects.toMatchObject({ code: "CONFLICT", message: "The customer wrote again since you started this reply." });
    expect(await codeOf(api.tickets.addMessage({ ticketId, kind: "reply", text: "It is on its way.", seenMessageId: null }))).toBe("CONFLICT");
    // A tab from before the guard, which does not say what it saw, cannot skip it either.
    expect(await codeOf(api.tickets.addMessage({ ticketId, kind: "reply", text: "It is on its way." }))).toBe("CONFLICT");
    // Another ticket's message proves nothing about this one.
    const other = await customerTicket("Another question");
    expect(await codeOf(api.tickets.addMessage({ ticketId, kind: "reply", text: "Hi", seenMessageId: other.messageId }))).toBe("BAD_REQUEST");
    const sent = await db.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, ticketId));
    expect(sent).toHaveLength(3);

    // Notes are for the team: no guard. Having seen the newest message, the reply goes.
    await api.tickets.addMessage({ ticketId, kind: "note", text: "Customer says it arrived." });
    await api.tickets.addMessage({ ticketId, kind: "reply", text: "Glad it arrived!", seenMessageId: second, solve: true });
    const [t] = await db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticketId));
    expect(t?.status).toBe("solved");
  });

  it("names the newest message in the conflict, so the page can show it and send once the agent saw it", async () => {
    const api = callerFor(await makeUser("agent"));
    const { ticketId, messageId: first, email } = await customerTicket();
    await customerWrites(ticketId, email, "Also, can I change the address?");
    const { messageId: third } = await customerWrites(ticketId, email, "Hello?");
    const err = await api.tickets.addMessage({ ticketId, kind: "reply", text: "On it.", seenMessageId: first }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CONFLICT", message: "The customer wrote 2 more messages since you started this reply." });
    expect((err as { cause?: { fields?: Record<string, string> } }).cause?.fields).toEqual({ seenMessageId: third });
  });
});

describe("snooze", () => {
  it("hides a ticket from open work until its time or the customer's next message, and keeps it in the snoozed view", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const { ticketId, email } = await customerTicket();
    await api.tickets.update({ ticketId, assigneeId: agent.id });
    const inView = async (view: "open" | "mine" | "snoozed" | "all") => (await api.tickets.list({ view, q: email })).items.some((i) => i.id === ticketId);

    expect(await codeOf(api.tickets.snooze({ ticketId, until: new Date(Date.now() - 60_000) }))).toBe("BAD_REQUEST");
    const before = (await api.tickets.viewCounts()).views;
    const until = new Date(Date.now() + 3_600_000);
    expect(await api.tickets.snooze({ ticketId, until })).toEqual({ snoozedUntil: until });
    expect([await inView("open"), await inView("mine"), await inView("snoozed"), await inView("all")]).toEqual([false, false, true, true]);
    const after = (await api.tickets.viewCounts()).views;
    expect(after.mine).toBe(before.mine - 1);
    expect(after.snoozed).toBe(before.snoozed + 1);

    // The time passes (moved back rather than waited for): the view shows it again, no job needed.
    await db.update(tickets).set({ snoozedUntil: sql`now() - interval '1 second'` }).where(eq(tickets.id, ticketId));
    expect([await inView("open"), await inView("snoozed")]).toEqual([true, false]);

    await api.tickets.snooze({ ticketId, until });
    await customerWrites(ticketId, email, "Any news?");
    const [t] = await db.select({ snoozedUntil: tickets.snoozedUntil }).from(tickets).where(eq(tickets.id, ticketId));
    expect(t?.snoozedUntil).toBeNull();
    expect(await inView("open")).toBe(true);

    await api.tickets.snooze({ ticketId, until });
    await api.tickets.snooze({ ticketId, until: null });
    expect(await inView("open")).toBe(true);
    await api.tickets.update({ ticketId, status: "solved" });
    expect(await codeOf(api.tickets.snooze({ ticketId, until }))).toBe("CONFLICT");
  });
});
