import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callerFor, makeUser } from "@/test/db/fixtures";

describe("@mentions in notes", () => {
  it("the mentioned agent finds the ticket in their Mentions view until they open it", async () => {
    const tag = randomUUID().slice(0, 6);
    const [author, mentioned, dropped] = [await makeUser("agent"), await makeUser("agent", `Mia ${tag}`), await makeUser("agent", `Dan ${tag}`)];
    const api = callerFor(author);
    const { ticketId } = await api.tickets.create({ customerEmail: `m-${randomUUID()}@example.com`, subject: "Refund stuck", text: "Where is my refund?" });
    const them = callerFor(mentioned);
    expect((await them.tickets.viewCounts()).views.mentions).toBe(0);

    // Picked in the composer, but the "@Name" of the third was deleted from the text before sending: not mentioned.
    await api.tickets.addMessage({ ticketId, kind: "note", text: `@${mentioned.name} can you check the payment?`, mentionIds: [mentioned.id, dropped.id] });
    // A reply never mentions anyone (the customer would read it).
    const seenMessageId = (await api.tickets.get({ ticketId })).messages[0]!.id;
    await api.tickets.addMessage({ ticketId, kind: "reply", text: `Hi @${dropped.name}`, mentionIds: [dropped.id], seenMessageId });

    expect((await them.tickets.viewCounts()).views.mentions).toBe(1);
    expect((await them.tickets.list({ view: "mentions" })).items.map((i) => i.id)).toEqual([ticketId]);
    expect((await callerFor(dropped).tickets.viewCounts()).views.mentions).toBe(0);
    expect((await api.tickets.list({ view: "mentions" })).items).toEqual([]);

    // Solved tickets still show an unread mention: it is addressed to a person, not to the queue.
    await api.tickets.update({ ticketId, status: "solved" });
    expect((await them.tickets.viewCounts()).views.mentions).toBe(1);

    expect(await them.tickets.readMentions({ ticketId })).toEqual({ read: 1 });
    expect((await them.tickets.viewCounts()).views.mentions).toBe(0);
    expect((await them.tickets.list({ view: "mentions" })).items).toEqual([]);
    expect(await them.tickets.readMentions({ ticketId })).toEqual({ read: 0 });
  });
});
