/**
 * Takes an immutable training snapshot from the verified data:
 * - draft: each reply an agent sent (ticket + thread before it → the sent text), with the AI draft it started from
 *   (messages.draft_text) and the model version that wrote it; the prompt carries the sent reply of the most similar
 *   other ticket, as production's draft prompt does, so a LoRA learns to adapt the nearest answer;
 * - triage: each ticket with corrected fields (ticket → the triage JSON with the final values: category, priority,
 *   sentiment, language and the summary the agent accepted or edited), the AI's answer beside it.
 * Every text is redacted (redact.ts) with the customer's known name before it leaves the ticket tables. Identical
 * examples are dropped, the rest split train/held-out per label with a seeded shuffle, and the snapshot is named by
 * the sha256 of its examples: the same data and seed give the same snapshot (returned, not duplicated).
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { corrections, customers, datasetExamples, datasetSnapshots, distilledDrafts, LIVE_SCOPE, messages, tickets, triageResults, type SnapshotStats } from "@/db/schema";
import { DEFAULT_TONE, draftMessages, type ChatMessage } from "@/models/tasks/draft";
import { triageSystemPrompt, triageUserPrompt } from "@/models/tasks/triage";
import { seededRandom } from "@/models/learning/random";
import { enabledTaxonomy } from "@/server/tickets/enabled-taxonomy";
import { redact, type RedactionKind } from "./redact";

export interface SnapshotOptions {
  seed?: number;
  /** Share of each label's examples held out for scoring candidates. */
  heldoutShare?: number;
  /** The data as it stood at this moment (default now): the same moment and seed always give the same snapshot. */
  until?: Date;
  /** Only data from this moment on (default: all of it), e.g. the months since the last fine-tune. */
  since?: Date;
  userId?: string | null;
}

export interface PendingExample {
  kind: "draft" | "triage";
  label: string;
  messages: ChatMessage[];
  aiValue: string | null;
  finalValue: string;
  modelVersion: string | null;
  /** A teacher model's draft for a ticket no agent had answered (distilled_drafts), not a sent reply. */
  distilled: boolean;
  sourceId: string;
  sourceAt: Date;
}

const TRIAGE_FIELDS = ["category", "priority", "sentiment", "language", "summary"] as const;

export async function buildSnapshot(db: Db, opts: SnapshotOptions = {}) {
  const seed = opts.seed ?? 0;
  const heldoutShare = opts.heldoutShare ?? 0.2;
  const redactions: Record<RedactionKind, number> = { email: 0, phone: 0, card: 0, iban: 0, name: 0 };
  const clean = (text: string, names: (string | null)[]) => {
    const r = redact(text, { names });
    for (const k of Object.keys(r.counts) as RedactionKind[]) redactions[k] += r.counts[k];
    return r.text;
  };
  const until = opts.until ?? new Date();
  const since = opts.since ?? new Date(0);
  const pending = [...(await draftExamples(db, { since, until }, clean)), ...(await triageExamples(db, { since, until }, clean))];

  // Dedupe on the whole conversation: a macro sent to ten identical tickets teaches one thing, not ten.
  const seen = new Set<string>();
  const unique = pending
    .sort((a, b) => a.sourceAt.getTime() - b.sourceAt.getTime() || a.sourceId.localeCompare(b.sourceId))
    .filter((e) => {
      const key = createHash("sha256").update(JSON.stringify([e.kind, e.messages])).digest("hex");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // Distilled examples only teach: candidates are scored on held-out replies agents sent.
  const split = splitExamples(
    unique.filter((e) => !e.distilled),
    heldoutShare,
    seed,
  );
  for (const e of unique) if (e.distilled) split.set(e, "train");
  const sha256 = createHash("sha256")
    .update(JSON.stringify(unique.map((e) => [e.kind, e.label, e.messages, split.get(e)])))
    .digest("hex");

  const existing = await db.query.datasetSnapshots.findFirst({
    where: and(eq(datasetSnapshots.sha256, sha256), eq(datasetSnapshots.seed, seed), eq(datasetSnapshots.heldoutShare, heldoutShare)),
  });
  if (existing) return existing;
  const count = (f: (e: PendingExample) => string) => {
    const m: Record<string, number> = {};
    for (const e of unique) m[f(e)] = (m[f(e)] ?? 0) + 1;
    return m;
  };
  const stats: SnapshotStats = {
    examples: unique.length,
    train: unique.filter((e) => split.get(e) === "train").length,
    heldout: unique.filter((e) => split.get(e) === "heldout").length,
    byKind: count((e) => e.kind),
    byLabel: count((e) => e.label),
    duplicatesDropped: pending.length - unique.length,
    redactions,
    distilled: unique.filter((e) => e.distilled).length,
    from: unique[0]?.sourceAt.toISOString() ?? null,
    to: unique.at(-1)?.sourceAt.toISOString() ?? null,
  };
  return db.transaction(async (tx) => {
    const [snapshot] = await tx.insert(datasetSnapshots).values({ sha256, seed, heldoutShare, stats, userId: opts.userId ?? null }).returning();
    for (let i = 0; i < unique.length; i += 500) {
      await tx.insert(datasetExamples).values(unique.slice(i, i + 500).map((e) => ({ ...e, snapshotId: snapshot!.id, split: split.get(e)! })));
    }
    return snapshot!;
  });
}

/** Per label, a seeded shuffle; a label with fewer than 3 examples stays whole in training. */
export function splitExamples<T extends { label: string }>(rows: readonly T[], share: number, seed: number): Map<T, "train" | "heldout"> {
  const random = seededRandom(seed);
  const byLabel = new Map<string, T[]>();
  for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const out = new Map<T, "train" | "heldout">();
  for (const label of [...byLabel.keys()].sort()) {
    const group = byLabel.get(label)!.slice();
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    const n = group.length >= 3 ? Math.max(1, Math.round(group.length * share)) : 0;
    group.forEach((r, i) => out.set(r, i < n ? "heldout" : "train"));
  }
  return out;
}

type Clean = (text: string, names: (string | null)[]) => string;

async function draftExamples(db: Db, { since, until }: { since: Date; until: Date }, clean: Clean): Promise<PendingExample[]> {
  const sent = await db
    .select({
      id: messages.id,
      ticketId: messages.ticketId,
      text: messages.bodyText,
      createdAt: messages.createdAt,
      draftText: messages.draftText,
      modelVersion: triageResults.modelVersion,
      subject: tickets.subject,
      category: tickets.category,
      customerName: customers.name,
    })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(triageResults, eq(triageResults.id, messages.draftTriageId))
    .where(and(eq(messages.direction, "outbound"), isNotNull(messages.authorUserId), gte(messages.createdAt, since), lte(messages.createdAt, until)))
    .orderBy(asc(messages.createdAt));
  // Teacher drafts that passed the checks, for tickets no agent had answered by `until`.
  const distilled = await db
    .select({
      id: distilledDrafts.id,
      ticketId: distilledDrafts.ticketId,
      text: distilledDrafts.draft,
      createdAt: distilledDrafts.createdAt,
      modelVersion: distilledDrafts.teacherVersion,
      subject: tickets.subject,
      category: tickets.category,
      customerName: customers.name,
    })
    .from(distilledDrafts)
    .innerJoin(tickets, eq(tickets.id, distilledDrafts.ticketId))
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(
      and(
        eq(distilledDrafts.passed, true),
        gte(distilledDrafts.createdAt, since),
        lte(distilledDrafts.createdAt, until),
        sql`not exists (select 1 from ${messages} r where r.ticket_id = ${distilledDrafts.ticketId} and r.direction = 'outbound' and r.author_user_id is not null and r.created_at <= ${until.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(asc(distilledDrafts.createdAt));
  const replies = [...sent.map((r) => ({ ...r, distilled: false })), ...distilled.map((d) => ({ ...d, draftText: null, distilled: true }))];
  if (!replies.length) return [];
  const thread = await db
    .select({ ticketId: messages.ticketId, direction: messages.direction, text: messages.bodyText, createdAt: messages.createdAt })
    .from(messages)
    .where(and(inArray(messages.ticketId, [...new Set(replies.map((r) => r.ticketId))]), sql`${messages.direction} <> 'note'`))
    .orderBy(asc(messages.createdAt));

  const items = replies.flatMap((r) => {
    const names = [r.customerName];
    const turns = thread
      .filter((m) => m.ticketId === r.ticketId && m.createdAt < r.createdAt)
      .map((m) => ({ from: m.direction === "inbound" ? ("customer" as const) : ("agent" as const), text: clean(m.text, names) }));
    const lastCustomer = turns.findLast((t) => t.from === "customer");
    if (!lastCustomer) return [];
    return [{ r, turns, words: wordSet(lastCustomer.text), reply: clean(r.text, names), subject: clean(r.subject, names) }];
  });
  return items.map((it) => {
    // The sent reply of the most similar other ticket: what production's retrieval puts in the prompt.
    let best: (typeof items)[number] | undefined;
    let bestScore = 0;
    for (const other of items) {
      // Production's prompt carries sent replies only, never a teacher's draft.
      if (other.r.ticketId === it.r.ticketId || other.r.distilled) continue;
      const s = jaccard(it.words, other.words);
      if (s > bestScore) [best, bestScore] = [other, s];
    }
    const input = { subject: it.subject, thread: it.turns, tone: DEFAULT_TONE, ...(best ? { references: [best.reply] } : {}) };
    return {
      kind: "draft" as const,
      label: it.r.category ?? "none",
      messages: draftMessages(input, it.reply),
      aiValue: it.r.draftText ? clean(it.r.draftText, [it.r.customerName]) : null,
      finalValue: it.reply,
      modelVersion: it.r.modelVersion ?? null,
      distilled: it.r.distilled,
      sourceId: it.r.id,
      sourceAt: it.r.createdAt,
    };
  });
}

async function triageExamples(db: Db, { since, until }: { since: Date; until: Date }, clean: Clean): Promise<PendingExample[]> {
  const rows = await db
    .select({
      ticketId: corrections.ticketId,
      field: corrections.field,
      finalValue: corrections.finalValue,
      createdAt: corrections.createdAt,
      triageResultId: corrections.triageResultId,
    })
    .from(corrections)
    .where(
      and(eq(corrections.scope, LIVE_SCOPE), inArray(corrections.field, [...TRIAGE_FIELDS]), isNotNull(corrections.ticketId), gte(corrections.createdAt, since), lte(corrections.createdAt, until)),
    )
    .orderBy(desc(corrections.createdAt));
  if (!rows.length) return [];
  // The newest correction of each field of a ticket is its final value.
  const finals = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const r of rows) {
    const m = finals.get(r.ticketId!) ?? new Map();
    if (!m.has(r.field)) m.set(r.field, r);
    finals.set(r.ticketId!, m);
  }
  const ticketIds = [...finals.keys()];
  const taxonomy = await enabledTaxonomy(db);
  const system = triageSystemPrompt(taxonomy);
  const ticketRows = await db
    .select({ id: tickets.id, subject: tickets.subject, category: tickets.category, customerName: customers.name })
    .from(tickets)
    .leftJoin(customers, eq(customers.id, tickets.customerId))
    .where(inArray(tickets.id, ticketIds));
  const firstMessages = await db
    .selectDistinctOn([messages.ticketId], { ticketId: messages.ticketId, id: messages.id, text: messages.bodyText })
    .from(messages)
    .where(and(inArray(messages.ticketId, ticketIds), eq(messages.direction, "inbound")))
    .orderBy(messages.ticketId, asc(messages.createdAt));
  const results = await db
    .selectDistinctOn([triageResults.messageId], {
      messageId: triageResults.messageId,
      modelVersion: triageResults.modelVersion,
      evidence: triageResults.evidence,
      category: triageResults.category,
      priority: triageResults.priority,
      sentiment: triageResults.sentiment,
      language: triageResults.language,
      summary: triageResults.summary,
      tags: triageResults.tags,
    })
    .from(triageResults)
    .where(inArray(triageResults.messageId, firstMessages.map((m) => m.id)))
    .orderBy(triageResults.messageId, desc(triageResults.createdAt));
  const keys = new Set(taxonomy.map((c) => c.key));

  return ticketRows.flatMap((t) => {
    const first = firstMessages.find((m) => m.ticketId === t.id);
    const fieldFinals = finals.get(t.id)!;
    if (!first) return [];
    const ai = results.find((r) => r.messageId === first.id);
    const names = [t.customerName];
    const final = Object.fromEntries(TRIAGE_FIELDS.map((f) => [f, fieldFinals.get(f)?.finalValue ?? ai?.[f] ?? null]));
    // Only labels the grammar can produce: a category since disabled would teach an answer production refuses.
    if (!final.category || !keys.has(final.category) || !final.priority || !final.sentiment || !final.language || !final.summary) return [];
    const answer = {
      evidence: clean(ai?.evidence ?? "", names),
      category: final.category,
      priority: final.priority,
      sentiment: final.sentiment,
      language: final.language,
      summary: clean(final.summary, names),
      tags: ai?.tags ?? [],
    };
    const aiAnswer = ai ? JSON.stringify(Object.fromEntries(TRIAGE_FIELDS.map((f) => [f, ai[f]]))) : null;
    const newest = [...fieldFinals.values()].reduce((a, b) => (a.createdAt > b.createdAt ? a : b));
    return [
      {
        kind: "triage" as const,
        label: final.category,
        messages: [
          { role: "system" as const, content: system },
          { role: "user" as const, content: triageUserPrompt({ subject: clean(t.subject, names), text: clean(first.text, names), categories: taxonomy }) },
          { role: "assistant" as const, content: JSON.stringify(answer) },
        ],
        aiValue: aiAnswer ? clean(aiAnswer, names) : null,
        finalValue: JSON.stringify(Object.fromEntries(TRIAGE_FIELDS.map((f) => [f, f === "summary" ? answer.summary : final[f]]))),
        modelVersion: ai?.modelVersion ?? null,
        distilled: false,
        sourceId: t.id,
        sourceAt: newest.createdAt,
      },
    ];
  });
}

function wordSet(text: string) {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);
}

function jaccard(a: Set<string>, b: Set<string>) {
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter ? inter / (a.size + b.size - inter) : 0;
}
