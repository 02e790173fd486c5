import { and, count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { corrections, tickets, users } from "@/db/schema";
import { signIn } from "@/server/auth/sign-in";
import { DEMO_PASSWORD, seedDemo } from "./index";

describe("demo seed", () => {
  it("is idempotent, signs in the demo users, and gives the learner the worked tickets as verified labels", async () => {
    const db = getDb();
    await seedDemo(db, { tickets: 12 });
    await seedDemo(db, { tickets: 12 });
    const [demo] = await db.select({ n: count() }).from(tickets).where(eq(tickets.source, "demo"));
    expect(demo?.n).toBe(12);
    const solved = await db.select({ id: tickets.id, category: tickets.category }).from(tickets).where(eq(tickets.source, "demo"));
    const worked = solved.filter((t) => t.category !== null);
    expect(worked.length).toBeGreaterThan(0);
    const [labels] = await db
      .select({ n: count() })
      .from(corrections)
      .where(and(eq(corrections.source, "import"), inArray(corrections.ticketId, solved.map((t) => t.id))));
    expect(labels?.n).toBe(worked.length);
    const [admins] = await db.select({ n: count() }).from(users).where(eq(users.email, "admin@deskling.local"));
    expect(admins?.n).toBe(1);
    expect((await signIn(db, "agent@deskling.local", DEMO_PASSWORD)).ok).toBe(true);
  });
});
