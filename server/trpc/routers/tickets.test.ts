import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, makeUser } from "@/test/db/fixtures";

describe("tickets router", () => {
  it("rejects anonymous callers", async () => {
    await expect(callerFor(null).tickets.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("lets an agent create, read, update, reply and note; every step leaves a trace", async () => {
    const agent = await makeUser("agent");
    const api = callerFor(agent);
    const email = `cust-${randomUUID()}@example.com`;
    const { ticketId } = await api.tickets.create({ customerEmail: email, subject: "Charged twice", text: "I was charged twice for order 123" });

    const t = await api.tickets.get({ ticketId });
    expect(t.status).toBe("new");
    expect(t.customer?.email).toBe(email);
    expect(t.messages.map((m) => m.direction)).toEqual(["inbound"]);

    await api.tickets.update({ ticketId, status: "open", priority: "high", tags: ["Billing", "billing", " refund "] });
    await api.tickets.addMessage({ ticketId, kind: "reply", text: "Sorry about that, refunding now.", seenMessageId: t.messages[0]!.id });
    await api.tickets.addMessage({ ticketId, kind: "note", text: "Checked with payments." });

    const after = await api.tickets.get({ ticketId });
    expect(after.priority).toBe("high");
    expect(after.tags).toEqual(["billing", "refund"]);
    expect(after.status).toBe("pending"); // a reply waits for the customer
    expect(after.firstResponseAt).not.toBeNull();
    expect(after.messages.map((m) => m.direction)).toEqual(["inbound", "outbound", "note"]);

    const list = await api.tickets.list({ q: email });
    expect(list.total).toBe(1);
    expect(list.items[0]?.id).toBe(ticketId);
  });

  it("gives NOT_FOUND for an unknown ticket and field errors for bad input", async () => {
    const api = callerFor(await makeUser("agent"));
    await expect(api.tickets.get({ ticketId: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.tickets.create({ customerEmail: "nope", subject: "", text: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.tickets.addMessage({ ticketId: randomUUID(), kind: "reply", text: "hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses an unknown category", async () => {
    const api = callerFor(await makeUser("agent"));
    const { ticketId } = await api.tickets.create({ customerEmail: "a@example.com", subject: "s", text: "t" });
    await expect(api.tickets.update({ ticketId, category: "NO_SUCH" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("users router", () => {
  it("only admins manage users; agents and managers are forbidden", async () => {
    const admin = await makeUser("admin");
    for (const role of ["agent", "manager"] as const) {
      const api = callerFor(await makeUser(role));
      await expect(api.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(api.users.create({ email: `x-${randomUUID()}@t.local`, name: "x", password: "0123456789", role: "agent" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    const api = callerFor(admin);
    const email = `new-${randomUUID()}@t.local`;
    const u = await api.users.create({ email, name: "New Agent", password: "0123456789", role: "agent" });
    await expect(api.users.create({ email, name: "Dup", password: "0123456789", role: "agent" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await api.users.setActive({ userId: u.id, active: false })).active).toBe(false);
    await expect(api.users.setActive({ userId: admin.id, active: false })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
