/**
 * The public indirect-injection set the trust benchmarks read (BIPIA, copied into bench/.data/bipia by
 * bench/data/copy-public-sets.sh), and the instruction head applied to many texts at once with cached embeddings.
 * BIPIA's training and test attacks are different attack categories ("Information Retrieval" … vs "Task
 * Automation" …), and its training and test e-mails are different e-mails: training on one side and measuring on the
 * other is a held-out test of both the attacks and their surroundings.
 */
import fs from "node:fs";
import path from "node:path";
import type { Embedder } from "@/models/learning/embedder";
import { type InstructionHead, instructionProbability, screenableParts } from "@/models/tasks/injection-head";
import { cachedEmbeddings } from "./embedding-cache";

export type BipiaSide = "train" | "test";

export interface Bipia {
  emails: Record<BipiaSide, string[]>;
  attacks: Record<BipiaSide, { text: string[]; code: string[] }>;
}

export function loadBipia(dir: string): Bipia | null {
  if (!fs.existsSync(dir)) return null;
  const emails = (side: BipiaSide) =>
    fs
      .readFileSync(path.join(dir, `email-${side}.jsonl`), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { context: string }).context);
  const attacks = (kind: "text" | "code", side: BipiaSide) => Object.values(JSON.parse(fs.readFileSync(path.join(dir, `${kind}_attack_${side}.json`), "utf8")) as Record<string, string[]>).flat();
  return {
    emails: { train: emails("train"), test: emails("test") },
    attacks: { train: { text: attacks("text", "train"), code: attacks("code", "train") }, test: { text: attacks("text", "test"), code: attacks("code", "test") } },
  };
}

/** As BIPIA's own e-mail task does: the attack in the middle of the e-mail, on its own line. */
export function insertAttack(context: string, attack: string): string {
  const at = Math.floor(context.length / 2);
  return `${context.slice(0, at)}\n${attack}\n${context.slice(at)}`;
}

/** What the head learns from an attack: its sentences, without the code it asks to include (code alone is no instruction). */
export function attackSentences(attack: string): string[] {
  return screenableParts(attack.replace(/```[\s\S]*?(```|$)/g, " "));
}

/** Embeddings of many short texts, deduplicated and cached under `name`. */
export async function embedUnique(texts: readonly string[], name: string, getEmbedder: () => Promise<Embedder>, log: (l: string) => void) {
  const unique = [...new Set(texts)].sort();
  const m = await cachedEmbeddings(name, unique, getEmbedder, log);
  const at = new Map(unique.map((t, i) => [t, i]));
  return (t: string) => {
    const i = at.get(t)!;
    return m.data.subarray(i * m.dims, (i + 1) * m.dims);
  };
}

/** Per text, as screenInstructions answers it: the head's highest sentence probability and the parts at or above its threshold. */
export async function screenMany(
  texts: readonly string[],
  head: InstructionHead,
  name: string,
  getEmbedder: () => Promise<Embedder>,
  log: (l: string) => void,
): Promise<{ max: number; instructions: string[] }[]> {
  const parts = texts.map(screenableParts);
  const vector = await embedUnique(parts.flat(), name, getEmbedder, log);
  return parts.map((ps) => {
    const p = ps.map((x) => instructionProbability(vector(x), head));
    return { max: Math.max(0, ...p), instructions: ps.filter((_, i) => p[i]! >= head.threshold) };
  });
}

/** The head's highest sentence probability for each text (what screenInstructions compares with its threshold). */
export async function maxInstructionProbability(...args: Parameters<typeof screenMany>): Promise<number[]> {
  return (await screenMany(...args)).map((s) => s.max);
}
