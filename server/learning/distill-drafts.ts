/**
 * Distillation, as the field does it: a bigger "teacher" model (SLM_TEACHER_MODEL, e.g. an `hf:` catalog model on a
 * GPU server) writes drafts for tickets no agent has answered yet, with the production draft prompt. Each is checked
 * like a live draft (draft-check.ts) and stored in distilled_drafts; snapshots take the ones that pass as training
 * examples marked `distilled` (train split only: candidates are scored against what agents sent), so the small model
 * learns from the big one where no sent reply exists. Once an agent answers, the sent reply is the example instead.
 */
import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { distilledDrafts, messages, tickets } from "@/db/schema";
import type { SlmEngine } from "@/models/runtime/engine";
import { DEFAULT_TONE, draftReply } from "@/models/tasks/draft";
import { checkDraft } from "@/models/tasks/draft-check";
import { detectLanguage } from "@/models/tasks/language";
import { ticketThread } from "@/server/tickets/ticket-thread";
import { prepareMessage } from "@/models/tasks/prepare-message";

export interface DistillOptions {
  /** The teacher, loaded by the caller (the CLI loads SLM_TEACHER_MODEL). */
  teacher: SlmEngine;
  /** Its catalog id: one draft per (customer message, teacher). */
  teacherModel: string;
  limit?: number;
  /** Only tickets whose newest customer message came at or after this moment (default: any). */
  since?: Date;
  maxTokens?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export async function distillDrafts(db: Db, o: DistillOptions) {
  const log = o.log ?? (() => {});
  // Tickets without an agent's reply, at their newest customer message, not drafted by this teacher yet; newest first.
  const pending = await db
    .selectDistinctOn([messages.ticketId], { ticketId: messages.ticketId, messageId: messages.id, text: messages.bodyText, html: messages.bodyHtml, createdAt: messages.createdAt, subject: tickets.subject })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(
      and(
        eq(messages.direction, "inbound"),
        o.since ? gte(messages.createdAt, o.since) : undefined,
        sql`not exists (select 1 from ${messages} r where r.ticket_id = ${messages.ticketId} and r.direction = 'outbound' and r.author_user_id is not null)`,
      ),
    )
    .orderBy(messages.ticketId, desc(messages.createdAt));
  const done = new Set(
    (await db.select({ messageId: distilledDrafts.messageId }).from(distilledDrafts).where(eq(distilledDrafts.teacherModel, o.teacherModel))).map((r) => r.messageId),
  );
  const todo = pending
    .filter((p) => !done.has(p.messageId))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, o.limit ?? 50);
  let passed = 0;
  for (const [i, p] of todo.entries()) {
    const prepared = prepareMessage(p);
    const thread = await ticketThread(db, p.ticketId);
    const language = detectLanguage(prepared.text).language;
    const draft = await draftReply(o.teacher, { subject: prepared.subject, thread, triage: { language }, tone: DEFAULT_TONE }, { timeoutMs: o.timeoutMs ?? 600_000, maxTokens: o.maxTokens });
    const text = draft.text.trim();
    const check = checkDraft(text, { ticket: `${prepared.subject}\n${thread.map((t) => t.text).join("\n")}`, references: [], language, instructions: prepared.instructions });
    await db
      .insert(distilledDrafts)
      .values({ ticketId: p.ticketId, messageId: p.messageId, teacherModel: o.teacherModel, teacherVersion: o.teacher.modelVersion, draft: text, passed: check.passed, reasons: check.reasons })
      .onConflictDoNothing();
    if (check.passed) passed++;
    log(`[distill] ${i + 1}/${todo.length}: ticket ${p.ticketId} ${check.passed ? "kept" : `rejected (${check.reasons.join("; ")})`}`);
  }
  return { drafted: todo.length, passed };
}
