import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { callerFor, makeUser } from "@/test/db/fixtures";
import { verifyApiKey } from "@/server/ingestion/api/keys";
import { ingest } from "@/server/ingestion/pipeline";

describe("ingest router", () => {
  it("is for admins only", async () => {
    const agent = callerFor(await makeUser("agent"));
    await expect(agent.ingest.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(agent.ingest.createApiKey({ name: "x", scopes: ["tickets:read"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lists a failed item with its reason and replays it once the cause is fixed", async () => {
    const admin = callerFor(await makeUser("admin"));
    const name = `late-${randomUUID().slice(0, 8)}`;
    const body = { event: "message.created", ticket: { external_id: "A1", subject: "Hi" }, message: { external_id: "1", from: { email: "r@example.com" }, text: "hello" } };
    // Stored for a source that is not registered (yet): processing fails, nothing is lost.
    const r = await ingest(getDb(), { kind: "webhook", source: `webhook:${name}`, bytes: Buffer.from(JSON.stringify(body)), meta: { sourceName: name } });
    expect(r.status).toBe("failed");

    const failed = await admin.ingest.list({ status: "failed" });
    const row = failed.items.find((i) => i.id === r.rawId);
    expect(row?.error).toContain(`unknown webhook source "${name}"`);
    expect(failed.counts.failed).toBeGreaterThanOrEqual(1);
    expect((await admin.ingest.get({ id: r.rawId })).preview).toContain('"external_id":"A1"');

    await admin.ingest.createWebhookSource({ name, kind: "generic" });
    const replayed = await admin.ingest.replay({ id: r.rawId });
    expect(replayed.status).toBe("processed");
    expect(replayed.ticketId).not.toBeNull();
    await expect(admin.ingest.replay({ id: r.rawId })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("pages ignored mail with its sender, decoded subject and reason, filtered by channel and reason", async () => {
    const admin = callerFor(await makeUser("admin"));
    const tag = randomUUID().slice(0, 8);
    const bounce = (i: number) =>
      Buffer.concat([
        Buffer.from(`From: Mail Delivery Subsystem <MAILER-DAEMON>\r\nSubject: `),
        Buffer.from(`Unzustellbar ${tag} Nr. ${i}: Grüße`, "latin1"),
        Buffer.from(`\r\nMessage-ID: <${tag}-${i}@mx.example>\r\n\r\nThe mail to gone@example.org failed.\r\n`),
      ]);
    for (let i = 0; i < 3; i++) expect((await ingest(getDb(), { kind: "email", source: "test:list", bytes: bounce(i) })).status).toBe("ignored");

    const page1 = await admin.ingest.list({ status: "ignored", kind: "email", reason: "daemon-from", pageSize: 2, page: 1 });
    expect(page1.items).toHaveLength(2);
    expect(page1.total).toBeGreaterThanOrEqual(3);
    const page2 = await admin.ingest.list({ status: "ignored", kind: "email", reason: "daemon-from", pageSize: 2, page: 2 });
    expect(page2.items.map((i) => i.id)).not.toContain(page1.items[0]!.id);
    const mine = page1.items[0]!;
    expect(mine.sender).toBe("Mail Delivery Subsystem <MAILER-DAEMON>");
    expect(mine.subject).toBe(`Unzustellbar ${tag} Nr. 2: Grüße`);
    expect(mine.error).toMatch(/^bounce: .*\[daemon-from\]/);
    expect((await admin.ingest.list({ status: "ignored", kind: "api", reason: "daemon-from" })).items.map((i) => i.id)).not.toContain(mine.id);
  });

  it("creates API keys shown once, lists them without secrets, and revokes them", async () => {
    const admin = callerFor(await makeUser("admin"));
    await expect(admin.ingest.createApiKey({ name: "  ", scopes: ["tickets:read"] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const { id, key, prefix } = await admin.ingest.createApiKey({ name: "zapier", scopes: ["tickets:read"] });
    expect(key.startsWith(`dsk_${prefix}_`)).toBe(true);
    const listed = (await admin.ingest.apiKeys()).find((k) => k.id === id)!;
    expect(JSON.stringify(listed)).not.toContain(key);
    const headers = new Headers({ authorization: `Bearer ${key}` });
    await expect(verifyApiKey(getDb(), headers, "tickets:read")).resolves.toMatchObject({ id });
    await admin.ingest.revokeApiKey({ id });
    await expect(verifyApiKey(getDb(), headers, "tickets:read")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
