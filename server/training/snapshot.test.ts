import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { datasetExamples } from "@/db/schema";
import { makeUser } from "@/test/db/fixtures";
import { addAgentMessage } from "@/server/tickets/add-agent-message";
import { receiveMessage } from "@/server/tickets/receive-message";
import { buildSnapshot, splitExamples } from "./build-snapshot";
import { exportSnapshot } from "./export-snapshot";

// Personal data a real ticket carries; none of it may reach a snapshot.
const tag = randomUUID().slice(0, 8);
const email = `will.hope.${tag}@example.com`;
const PII = [email, "Will Hope", "+44 20 7946 0958", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "will.hope"];
const sourceIds: string[] = [];
let until: Date;

beforeAll(async () => {
  const db = getDb();
  const agent = await makeUser("agent");
  for (const [i, text] of [
    `Hi, this is Will Hope. My card 4111 1111 1111 1111 was charged twice for order 888120. Call me on +44 20 7946 0958. Will you refund it? ${tag}`,
    `Please send the refund to DE89 3704 0044 0532 0130 00, the double charge ${tag} on order 888121 is still there. Thanks, Will`,
  ].entries()) {
    const t = await receiveMessage(db, {
      channel: "email",
      from: { email, name: "Will Hope" },
      subject: `Charged twice ${tag}`,
      text,
      actor: { kind: "system", label: "test" },
    });
    const reply = await addAgentMessage(db, {
      ticketId: t.ticketId,
      userId: agent.id,
      kind: "reply",
      text: `Dear Will, sorry about order 88812${i}. We refunded the second charge; I will confirm at ${email}.`,
    });
    sourceIds.push(reply.id, t.ticketId);
  }
  until = new Date();
});

describe("dataset snapshot", () => {
  it("is redacted, split and immutable: the same data gives the same snapshot", async () => {
    const db = getDb();
    const a = await buildSnapshot(db, { seed: 3, until });
    const b = await buildSnapshot(db, { seed: 3, until });
    expect(b.id).toBe(a.id);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.stats.train + a.stats.heldout).toBe(a.stats.examples);
    expect(a.stats.redactions.card).toBeGreaterThanOrEqual(1);
    expect(a.stats.redactions.iban).toBeGreaterThanOrEqual(1);

    const ours = (await db.select().from(datasetExamples).where(eq(datasetExamples.snapshotId, a.id))).filter((e) => sourceIds.includes(e.sourceId));
    const drafts = ours.filter((e) => e.kind === "draft");
    expect(drafts).toHaveLength(2);
    // The second reply's prompt carries the first one as the similar ticket's sent reply (production's grounding).
    expect(drafts.every((d) => d.messages[1]!.content.includes("Replies our agents sent to similar tickets"))).toBe(true);
  });

  it("exports chat-format JSONL and CSV that parse, with placeholders for every piece of personal data", async () => {
    const db = getDb();
    const snapshot = await buildSnapshot(db, { seed: 3, until });
    const jsonl = await exportSnapshot(db, { snapshotId: snapshot.id, format: "jsonl" });
    const lines = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l) as { messages: { role: string; content: string }[]; metadata: { kind: string } });
    expect(lines).toHaveLength(snapshot.stats.examples);
    for (const l of lines) {
      expect(l.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
      expect(l.messages.every((m) => typeof m.content === "string" && m.content.length > 0)).toBe(true);
    }
    const ours = lines.filter((l) => l.messages[1]!.content.includes(tag));
    expect(ours).toHaveLength(2);
    const text = JSON.stringify(ours);
    for (const p of PII) expect(text.toLowerCase()).not.toContain(p.toLowerCase());
    for (const ph of ["{{customer_name}}", "{{card_number}}", "{{phone}}", "{{iban}}", "{{customer_email}}"]) expect(text).toContain(ph);
    // What the model must learn to write: the reply's own placeholders, and the order number it has to keep.
    expect(ours.map((l) => l.messages[2]!.content).join(" ")).toMatch(/Dear \{\{customer_name\}\}, sorry about order 88812\d.*\{\{customer_email\}\}/);
    // "Will you refund it?" is a question, not the customer's name.
    expect(text).toContain("Will you refund it?");

    const csv = await exportSnapshot(db, { snapshotId: snapshot.id, format: "csv" });
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(snapshot.stats.examples);
    expect(rows.filter((r) => r.user!.includes(tag)).every((r) => r.kind === "draft" && r.assistant!.includes("{{customer_email}}"))).toBe(true);

    const heldout = await exportSnapshot(db, { snapshotId: snapshot.id, format: "jsonl", split: "heldout" });
    expect(heldout.trimEnd().split("\n").filter(Boolean)).toHaveLength(snapshot.stats.heldout);
  });
});

describe("splitExamples", () => {
  it("holds out a share of each label with 3+ examples, the same for the same seed", () => {
    const rows = [...Array.from({ length: 10 }, (_, i) => ({ id: i, label: "a" })), { id: 10, label: "b" }, { id: 11, label: "b" }];
    const split = splitExamples(rows, 0.2, 5);
    expect(rows.filter((r) => split.get(r) === "heldout").map((r) => r.label)).toEqual(["a", "a"]);
    expect([...splitExamples(rows, 0.2, 5).entries()].map(([r, s]) => `${r.id}:${s}`)).toEqual([...split.entries()].map(([r, s]) => `${r.id}:${s}`));
  });
});
