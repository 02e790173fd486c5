/**
 * `npx tsx bench/summary-rouge.ts [--n 20] [--extractive 300]`: ROUGE-L of ticket summaries against TweetSumm's human
 * abstractive summaries (customer-care dialogues on Twitter; bench/data/copy-public-sets.sh copies them). The
 * ticket is what support receives: the customer's tweets before the first agent reply, without @handles and links.
 * The reference is each annotator's sentence about the customer (the first of their summary); a summary scores its
 * best reference. Compared: the extractive baseline (the ticket's most informative sentence, what the panel shows
 * when the model's summary is rejected), the SLM's own summary, and what the panel shows (the SLM's when it passes
 * checkSummary, else the extractive one). Nothing here is trained or tuned on TweetSumm.
 */
import fs from "node:fs";
import path from "node:path";
import { SAMPLE_TAXONOMY } from "@/models/tasks/sample-taxonomy";
import { checkSummary, extractiveSummary } from "@/models/tasks/summary";
import { triageTicket } from "@/models/tasks/triage";
import { loadTestEngine } from "@/test/test-engine";
import { seededRandom } from "@/models/learning/random";
import { shuffled } from "./eval/datasets";
import { rougeL } from "./eval/rouge";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const dir = path.join(import.meta.dirname, ".data/tweetsumm");
if (!fs.existsSync(dir)) throw new Error("bench/.data/tweetsumm is missing: run bench/data/copy-public-sets.sh with the TweetSumm arguments");
const log = (l: string) => console.error(`[summary-rouge] ${l}`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]) => r1(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));

const dialogues = JSON.parse(fs.readFileSync(path.join(dir, "dialogues.json"), "utf8")) as { document: string[] };
const tickets = new Map<string, string>();
for (const doc of dialogues.document) {
  const [id, ...turns] = doc.split("\n").map((l) => l.trim());
  const customer: string[] = [];
  for (const t of turns.filter(Boolean)) {
    if (t.startsWith("Agent:")) break;
    customer.push(t.replace(/^Customer:\s*/, "").replace(/@\w+/g, "").replace(/https?:\/\/\S+/g, "").trim());
  }
  if (id && customer.join(" ").length >= 20) tickets.set(id, customer.join("\n"));
}
const rows = fs
  .readFileSync(path.join(dir, "annotations.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { conversation_id: string; annotations: { abstractive: string[] | null }[] })
  .filter((r) => tickets.has(r.conversation_id))
  .map((r) => ({ text: tickets.get(r.conversation_id)!, references: r.annotations.map((a) => a.abstractive?.[0]).filter((x): x is string => !!x) }))
  .filter((r) => r.references.length);
const sample = shuffled(rows, seededRandom(0));
const best = (summary: string | null, refs: string[]) => (summary ? Math.max(...refs.map((ref) => rougeL(summary, ref))) : 0);

const ext = sample.slice(0, arg("extractive", 300));
const out: Record<string, unknown> = {
  data: `TweetSumm (training split dialogues with text: ${rows.length}); customer tweets before the first agent reply; reference: each annotator's customer sentence`,
  extractive: { n: ext.length, rougeL: mean(ext.map((r) => best(extractiveSummary("", r.text), r.references))) },
};

const n = arg("n", 20);
if (n > 0) {
  const engine = await loadTestEngine({ sequences: 1 });
  const scores = { extractive: [] as number[], slm: [] as number[], shown: [] as number[] };
  let rejected = 0;
  for (const [k, r] of sample.slice(0, n).entries()) {
    const run = await triageTicket(engine, { subject: "", text: r.text, categories: SAMPLE_TAXONOMY }, { timeoutMs: 900_000 }).catch(() => null);
    const slm = run?.result.summary ?? null;
    const shown = checkSummary({ summary: slm, subject: "", text: r.text, language: "en" });
    if (shown.source === "extractive") rejected++;
    scores.extractive.push(best(extractiveSummary("", r.text), r.references));
    scores.slm.push(best(slm, r.references));
    scores.shown.push(best(shown.summary, r.references));
    log(`${k + 1}/${n}`);
  }
  await engine.dispose();
  out.sameTickets = { n, rougeL: { extractive: mean(scores.extractive), slm: mean(scores.slm), shown: mean(scores.shown) }, slmRejected: rejected };
}
console.log(JSON.stringify(out, null, 1));
process.exit(0);
