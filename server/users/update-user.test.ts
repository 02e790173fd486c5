import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { auditLog, users } from "@/db/schema";
import { verifyPassword } from "@/server/auth/password";
import { callerFor, makeUser } from "@/test/db/fixtures";

describe("users.update", () => {
  it("lets an admin change a user's name, role and team and reset the password, audited; never their own role", async () => {
    const admin = await makeUser("admin");
    const agent = await makeUser("agent");
    const api = callerFor(admin);
    const team = (await api.users.teams())[0];
    expect(await api.users.update({ userId: agent.id, name: "Renamed", role: "manager", teamId: team?.id ?? null, password: "a-new-password-1" })).toEqual({
      changed: true,
    });
    const [row] = await getDb().select().from(users).where(eq(users.id, agent.id));
    expect(row).toMatchObject({ name: "Renamed", role: "manager" });
    expect(await verifyPassword(row!.passwordHash, "a-new-password-1")).toBe(true);
    const [audit] = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, agent.id), eq(auditLog.action, "updated")));
    expect(audit?.changes).toMatchObject({ role: { from: "agent", to: "manager" }, password: { to: "reset" } });
    expect(JSON.stringify(audit?.changes)).not.toContain("a-new-password-1");

    await expect(api.users.update({ userId: admin.id, role: "agent" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor(agent).users.update({ userId: agent.id, name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
