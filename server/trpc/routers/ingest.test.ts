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
