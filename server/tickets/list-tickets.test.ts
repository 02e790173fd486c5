import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { customers, messages, tickets } from "@/db/schema";
import { getTicket } from "./get-ticket";
import { listTickets, SEARCH_COUNT_CAP } from "./list-tickets";
import { receiveMessage } from "./receive-message";

const db = getDb();
const ids = async (q: string) => (await listTickets(db, { view: "all", q, pageSize: 100 })).items.map((i) => i.id);

describe("search", () => {
  it("keeps each ticket's search document current whoever writes the ticket, a message or the customer", async () => {
    const word = `kx${randomUUID().slice(0, 8)}`;
    const email = `${word}@example.com`;
    const r = await receiveMessage(db, { channel: "manual", from: { email, name: "Ann Lee" }, subject: `Parcel ${word}sub`, text: "Where is it?", actor: { kind: "system", label: "test" } });
    expect(await ids(`${word}sub`)).toEqual([r.ticketId]);
    // Half an address: the parser would split it in two; the document holds it whole.
    expect(await ids(email.slice(0, word.length + 4))).toEqual([r.ticketId]);

    // A message added later (here straight into the table, as an import would) is searchable at once.
    await db.insert(messages).values({ ticketId: r.ticketId, direction: "note", bodyText: `internal ${word}note` });
    expect(await ids(`${word}no`)).toEqual([r.ticketId]);
    // The customer renamed: the old name no longer finds the ticket, the new one does.
    const name = `Zed${randomUUID().slice(0, 6)}`;
    await db.update(customers).set({ name }).where(eq(customers.email, email));
    expect(await ids(name)).toEqual([r.ticketId]);
    await db.update(tickets).set({ subject: "Parcel" }).where(eq(tickets.id, r.ticketId));
    expect(await ids(`${word}sub`)).toEqual([]);
    expect(await ids(`${word}note`)).toEqual([r.ticketId]); // a rebuilt document keeps the messages
    // The document never leaves the server (the ticket page and the REST API read getTicket).
    expect(Object.keys(await getTicket(db, r.ticketId))).not.toContain("searchVector");
  });

  it("finds ticket numbers by their first digits, and caps the count of a common word", async () => {
    const word = `cap${randomUUID().slice(0, 8)}`;
    const [first] = await db
      .insert(tickets)
      .values({ subject: `${word} first`, channel: "manual" })
      .returning({ id: tickets.id, number: tickets.number });
    const prefix = String(first!.number).slice(0, Math.max(1, String(first!.number).length - 1));
    const byPrefix = await listTickets(db, { view: "all", q: `#${prefix}`, pageSize: 100 });
    expect(byPrefix.items.map((i) => i.id)).toContain(first!.id);
    expect(byPrefix.items.every((i) => String(i.number).startsWith(prefix))).toBe(true);
    expect(await ids(`#${first!.number}`)).toEqual([first!.id]);

    await db.execute(sql`insert into tickets (subject, channel) select ${`${word} bulk`} || ' ' || g, 'manual' from generate_series(1, ${SEARCH_COUNT_CAP + 5}) g`);
    const many = await listTickets(db, { view: "all", q: word, pageSize: 25 });
    expect(many).toMatchObject({ total: SEARCH_COUNT_CAP, totalCapped: true });
    expect(many.items).toHaveLength(25);
    // The newest first, as the inbox lists them.
    const times = many.items.map((i) => i.lastMessageAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await listTickets(db, { view: "all", q: `${word} first`, pageSize: 25 })).toMatchObject({ total: 1, totalCapped: false });
  });

  it("pages through the matches in the order asked for", async () => {
    const word = `pg${randomUUID().slice(0, 8)}`;
    const rows = await db
      .insert(tickets)
      .values(Array.from({ length: 30 }, (_, i) => ({ subject: `${word} ${String.fromCharCode(97 + ((i * 7) % 26))}`, channel: "manual" as const })))
      .returning({ id: tickets.id, number: tickets.number, subject: tickets.subject });
    const byNumber = rows.map((r) => r.number).sort((a, b) => a - b);
    const second = await listTickets(db, { view: "all", q: word, sort: "number", dir: "asc", page: 2, pageSize: 10 });
    expect(second.total).toBe(30);
    expect(second.items.map((i) => i.number)).toEqual(byNumber.slice(10, 20));
    const bySubject = await listTickets(db, { view: "all", q: word, sort: "subject", pageSize: 30 });
    const subjects = bySubject.items.map((i) => i.subject);
    expect(subjects).toEqual([...subjects].sort((a, b) => a.localeCompare(b)));
  });
});
