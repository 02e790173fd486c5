import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, teams, ticketPriority, LIVE_SCOPE } from "@/db/schema";
import { LANGUAGES, SENTIMENTS } from "@/models/tasks/triage";
import { AppError } from "@/server/errors";

/** The ticket fields the learner serves to triage in production; an evaluation scope may label anything. */
export const LEARNED_FIELDS = ["category", "priority", "team"] as const;
export type LearnedField = (typeof LEARNED_FIELDS)[number];

export function isLearnedField(field: string): field is LearnedField {
  return (LEARNED_FIELDS as readonly string[]).includes(field);
}

/**
 * Every field an agent (or an integration) verifies on a ticket, each recorded as a correction. The labelled ones
 * (a closed set: sentiment, language besides the learned fields) also become examples for the learner; the summary
 * and the tags are free text, kept as correction rows only (the AI's value beside the final one: a training pair).
 */
export const VERIFIED_FIELDS = [...LEARNED_FIELDS, "sentiment", "language", "summary", "tags"] as const;
export type VerifiedField = (typeof VERIFIED_FIELDS)[number];
const EXAMPLE_FIELDS: readonly string[] = [...LEARNED_FIELDS, "sentiment", "language"];

export function isVerifiedField(field: string): field is VerifiedField {
  return (VERIFIED_FIELDS as readonly string[]).includes(field);
}

/** Whether a verified label of `field` in `scope` is stored as a learner example (evaluation scopes: always). */
export function makesExample(scope: string, field: string): boolean {
  return scope !== LIVE_SCOPE || EXAMPLE_FIELDS.includes(field);
}

/** Tags as one correction value: sorted, lower-cased, comma-separated, so equal sets compare equal. */
export function tagsValue(tags: readonly string[]): string {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort().join(", ");
}

/**
 * Labels a verified example of `field` may carry. `forTriage` narrows categories to the enabled ones: triage may only
 * answer those (or needs-human), while a correction to a since-disabled category is still a true fact.
 */
export async function allowedLabels(db: DbOrTx, field: LearnedField, opts: { forTriage?: boolean } = {}): Promise<string[]> {
  switch (field) {
    case "category": {
      const q = db.select({ key: categories.key }).from(categories);
      const rows = opts.forTriage ? await q.where(eq(categories.enabled, true)) : await q;
      return rows.map((r) => r.key);
    }
    case "priority":
      return [...ticketPriority.enumValues];
    case "team":
      return (await db.select({ name: teams.name }).from(teams)).map((r) => r.name);
  }
}

/** Throws INVALID_INPUT naming every label the field does not know. Non-live scopes are free-form. */
export async function assertKnownLabels(db: DbOrTx, scope: string, field: string, labels: Iterable<string>): Promise<void> {
  if (scope !== LIVE_SCOPE) return;
  if (!isVerifiedField(field)) throw new AppError("INVALID_INPUT", `Unknown field "${field}"; use one of ${VERIFIED_FIELDS.join(", ")}.`);
  if (field === "summary" || field === "tags") {
    if ([...labels].some((l) => !l.trim())) throw new AppError("INVALID_INPUT", `An empty ${field} is not a label.`, { [field]: "Empty" });
    return;
  }
  const known = new Set(
    field === "sentiment" ? SENTIMENTS : field === "language" ? (LANGUAGES as readonly string[]) : await allowedLabels(db, field),
  );
  const unknown = [...new Set(labels)].filter((l) => !known.has(l)).sort();
  if (unknown.length) {
    throw new AppError("INVALID_INPUT", `Unknown ${field} label${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      [field]: `Unknown: ${unknown.join(", ")}`,
    });
  }
}

/** For an import with --create-labels: adds missing categories or teams (priorities are a fixed set). */
export async function createMissingLabels(db: DbOrTx, field: string, labels: Iterable<string>): Promise<string[]> {
  if (!isLearnedField(field)) return [];
  const wanted = [...new Set(labels)];
  const known = new Set(await allowedLabels(db, field));
  const missing = wanted.filter((l) => !known.has(l)).sort();
  if (missing.length === 0) return [];
  if (field === "priority") {
    throw new AppError("INVALID_INPUT", `Priorities are fixed (${ticketPriority.enumValues.join(", ")}); unknown: ${missing.join(", ")}`);
  }
  if (field === "category") {
    await db
      .insert(categories)
      .values(missing.map((key) => ({ key, label: humanize(key) })))
      .onConflictDoNothing();
  } else {
    await db.insert(teams).values(missing.map((name) => ({ name }))).onConflictDoNothing();
  }
  return missing;
}

/** The category label `--create-labels` gives a new key: "card_arrival" → "Card arrival". */
export function humanize(key: string) {
  const s = key.replace(/[_-]+/g, " ").trim().toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A category's name example counts while its label has at most this many verified examples: a prior for the first
 * few. bench/learner-vs-lr.ts, same rows as scikit-learn: with names, +0.1 to +3.7 points at 5 and 10 per label on
 * HWU64, SNIPS, ATIS and the held-out banking77; kept past that, ATIS with all rows fell 0.22 points below.
 */
export const NAME_PRIOR_MAX_EXAMPLES = 10;

export const taxonomyExampleId = (key: string) => `taxonomy:${key}`;

/**
 * Each enabled category's name and description as one example of it ("Refund request. The customer wants money
 * back"): the learner's zero-shot start, and part of what an encoder fine-tune trains on, so both see the same set.
 */
export async function taxonomyExamples(db: DbOrTx): Promise<{ id: string; label: string; text: string }[]> {
  const rows = await db
    .select({ key: categories.key, label: categories.label, description: categories.description })
    .from(categories)
    .where(eq(categories.enabled, true));
  return rows.map((c) => ({
    id: taxonomyExampleId(c.key),
    label: c.key,
    text: c.description.trim() ? `${c.label}. ${c.description.trim()}` : c.label,
  }));
}
