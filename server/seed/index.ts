import fs from "node:fs";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, teams, tickets, users, type TicketPriority, type TicketStatus } from "@/db/schema";
import { env } from "@/config/env";
import { recordCorrections } from "@/server/learning/record-correction";
import { learningText } from "@/server/learning/ticket-text";
import { receiveMessage } from "@/server/tickets/receive-message";
import { JOB_PRIORITY } from "@/server/jobs/jobs";
import { createUser } from "@/server/users/create-user";

export const DEMO_PASSWORD = "deskling-demo";

/** The Bitext taxonomy: the demo's configured categories (admins can change them). */
const CATEGORIES = [
  ["ACCOUNT", "Account", "Creating, editing, switching, deleting accounts; passwords and sign-up problems"],
  ["ORDER", "Order", "Placing, changing or cancelling an order"],
  ["REFUND", "Refund", "Refund policy, getting a refund, tracking a refund"],
  ["DELIVERY", "Delivery", "Delivery options and how long delivery takes"],
  ["SHIPPING_ADDRESS", "Shipping address", "Setting up or changing the shipping address"],
  ["INVOICE", "Invoice", "Getting or checking an invoice"],
  ["PAYMENT", "Payment", "Payment methods and payment problems"],
  ["CANCELLATION_FEE", "Cancellation fee", "Fees for cancelling"],
  ["CONTACT", "Contact", "Reaching customer service or a human agent"],
  ["FEEDBACK", "Feedback", "Complaints and reviews"],
  ["NEWSLETTER", "Newsletter", "Newsletter subscriptions"],
] as const;

const TEAMS: Record<string, string[]> = {
  Billing: ["INVOICE", "PAYMENT", "REFUND", "CANCELLATION_FEE"],
  "Orders & Delivery": ["ORDER", "DELIVERY", "SHIPPING_ADDRESS"],
  "Customer Care": ["ACCOUNT", "CONTACT", "FEEDBACK", "NEWSLETTER"],
};

const USERS = [
  { email: "admin@deskling.local", name: "Ada Admin", role: "admin" as const, team: null },
  { email: "manager@deskling.local", name: "Max Manager", role: "manager" as const, team: null },
  { email: "agent@deskling.local", name: "Alex Agent", role: "agent" as const, team: "Customer Care" },
  { email: "billing@deskling.local", name: "Bea Billing", role: "agent" as const, team: "Billing" },
  { email: "orders@deskling.local", name: "Oscar Orders", role: "agent" as const, team: "Orders & Delivery" },
];

const FIRST = ["Maria", "James", "Aiko", "Liam", "Fatima", "Noah", "Sofia", "Lucas", "Priya", "Ethan", "Chloe", "Mateo", "Hana", "Omar", "Elena", "Jonas"];
const LAST = ["Garcia", "Smith", "Tanaka", "Murphy", "Khan", "Müller", "Rossi", "Silva", "Patel", "Brown", "Dubois", "López", "Kim", "Haddad", "Novak", "Berg"];

interface DemoRow {
  text: string;
  category: string;
  intent: string;
  entityType: string | null;
  entityValue: string | null;
}

/** Subject lines are not in Bitext: derived from the intent and the tagged entity (e.g. an order number). */
function subjectFor(row: DemoRow) {
  const base = row.intent.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  return row.entityType === "order_id" || row.entityType === "invoice_id" ? `${base} #${row.entityValue}` : base;
}

/** Priorities are not in Bitext either: complaints and payment problems run high, reviews and newsletters low. */
function priorityFor(row: DemoRow): TicketPriority {
  if (/urgent|asap|immediately|!!/i.test(row.text)) return "urgent";
  if (["complaint", "payment_issue", "contact_human_agent", "registration_problems"].includes(row.intent)) return "high";
  if (["newsletter_subscription", "review", "delivery_options"].includes(row.intent)) return "low";
  return "normal";
}

/** Idempotent: users, teams and categories are upserted; demo tickets are created once. */
export async function seedDemo(db: Db, opts: { tickets?: number; log?: (l: string) => void } = {}) {
  const log = opts.log ?? (() => {});
  await db
    .insert(categories)
    .values(CATEGORIES.map(([key, label, description], position) => ({ key, label, description, position })))
    .onConflictDoNothing();
  await db
    .insert(teams)
    .values(Object.keys(TEAMS).map((name) => ({ name })))
    .onConflictDoNothing();
  const teamRows = await db.select().from(teams);
  const teamId = (name: string | null) => teamRows.find((t) => t.name === name)?.id ?? null;
  for (const u of USERS) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, u.email));
    if (!existing) await createUser(db, { ...u, password: DEMO_PASSWORD, teamId: teamId(u.team) });
  }
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(tickets).where(eq(tickets.source, "demo"));
  if (n > 0) return log(`demo data present (${n} tickets)`);

  const rows = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "data", "bitext-demo.json"), "utf8")) as DemoRow[];
  const take = rows.slice(0, opts.tickets ?? rows.length);
  const agents = await db.select({ id: users.id, teamId: users.teamId }).from(users).where(eq(users.role, "agent"));
  const now = Date.now();
  const history: Parameters<typeof recordCorrections>[1][number][] = [];
  for (const [i, row] of take.entries()) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const received = await receiveMessage(db, {
      channel: "email",
      from: { email: `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^\w.]/g, "") + "@example.com", name: `${first} ${last}` },
      subject: subjectFor(row),
      text: row.text,
      source: "demo",
      externalId: `bitext-${i}`,
      // Behind anything live: a fresh start triages the demo in the background.
      triagePriority: JOB_PRIORITY.backfill,
      actor: { kind: "system", label: "demo seed" },
    });
    // Spread over two weeks; the older half is history (worked and labelled), the newer half waits in the inbox.
    const age = ((take.length - i) / take.length) * 14 * 24 * 3600_000;
    const createdAt = new Date(now - age * ((i * 37) % 100) / 100);
    const isHistory = (i * 37) % 100 > 50;
    const team = Object.entries(TEAMS).find(([, cats]) => cats.includes(row.category))?.[0] ?? null;
    const agent = agents.find((a) => a.teamId === teamId(team));
    const status: TicketStatus = isHistory ? (i % 3 === 0 ? "closed" : "solved") : (["new", "new", "open", "pending"] as const)[i % 4]!;
    await db
      .update(tickets)
      .set({
        createdAt,
        lastMessageAt: createdAt,
        updatedAt: createdAt,
        status,
        priority: priorityFor(row),
        category: isHistory ? row.category : null,
        teamId: isHistory || status !== "new" ? teamId(team) : null,
        assigneeId: status === "new" ? null : (agent?.id ?? null),
        resolvedAt: isHistory ? new Date(createdAt.getTime() + 3 * 3600_000) : null,
        firstResponseAt: status === "new" ? null : new Date(createdAt.getTime() + 40 * 60_000),
        slaDueAt: new Date(createdAt.getTime() + (priorityFor(row) === "urgent" ? 4 : 24) * 3600_000),
      })
      .where(eq(tickets.id, received.ticketId));
    if (isHistory) {
      // Worked long ago: nothing to triage now.
      await db.execute(sql`select graphile_worker.remove_job(${`triage:${received.messageId}`})`);
      const text = learningText(subjectFor(row), row.text);
      history.push({ label: { field: "category", text, finalValue: row.category, ticketId: received.ticketId, source: "import" } });
    }
  }
  // The worked half is the demo's history: its categories are verified labels, so the learner starts warm.
  await recordCorrections(db, history);
  await db.execute(sql`update messages m set created_at = t.created_at from tickets t where t.id = m.ticket_id and t.source = 'demo'`);
  log(`seeded ${take.length} demo tickets (${history.length} with verified categories)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { connectDatabase } = await import("@/db/connect");
  const { migrateDatabase } = await import("@/db/migrate");
  const { getDb, closeDb } = await import("@/db/client");
  const { url, embedded } = await connectDatabase({ log: console.log });
  await migrateDatabase(url);
  await seedDemo(getDb(), { tickets: env.DEMO_TICKETS, log: console.log });
  await closeDb();
  await embedded?.stop();
}
