/**
 * Does a LoRA fine-tune make the default SLM write better drafts? Prints JSON.
 *
 * Data: ../shared/data/bitext (Bitext customer-support set, CDLA-Sharing-1.0): its reference replies stand in for
 * the replies agents sent. Split 80/20 stratified by intent (seed below); from the 80% a retrieval pool of
 * `--pool` tickets per intent, of which `--train` (spread over intents) become training examples; from the 20%,
 * `--heldout` tickets per intent are drafted. Each training example is the production draft prompt
 * (models/tasks/draft.ts) carrying the reply of the nearest *other* pool ticket (MiniLM cosine), and the ticket's
 * own reference reply as the answer: the LoRA learns to adapt the nearest sent reply, not to invent one.
 *
 * Systems, on the same held-out tickets, scored by chrF and ROUGE-L against the reference reply:
 *   base       the default model with today's draft prompt (no retrieval)
 *   retrieval  the nearest pool ticket's reply, sent as is
 *   grounded   the default model with the retrieved reply in the prompt (what issue 15 ships), no LoRA
 *   lora       the same grounded prompt, with the adapter trained here (merged into the base as production loads it;
 *              `--lora-load runtime` applies it at run time instead)
 *   bestPoolReplyOracle  the pool reply closest to each reference, picked knowing it: the ceiling of sending one reply
 * and, for the LoRA against retrieval, per-ticket wins and a paired bootstrap interval of the chrF difference.
 *
 * Stages are cached under bench/.data/slm/ (split + vectors, adapter), and per-ticket results are appended to
 * results.jsonl as they come, so a run cut short still reports the tickets it finished (`--summarize`). The base and
 * grounded drafts do not depend on the adapter: `--baseline-only` writes them (baseline-*.jsonl) without training,
 * e.g. in a second process while the adapter trains, and the full run takes them from there.
 *
 *   nice -n 10 npm run bench:slm -- [--data ../shared/data] [--train 200] [--pool 50] [--heldout 2] [--epochs 1] [--lr 1e-3] [--threads 1]
 *     [--max-tokens 300] [--lora-sampling adapted|base] [--lora-load merged|runtime] [--baseline-only] [--shard k/n] [--summarize]
 */
import { parse } from "csv-parse/sync";
import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL } from "../models/catalog";
import { ensureModelFile, sha256File } from "../models/fetch";
import { mergeSlmAdapter, trainSlmAdapter } from "../models/finetune/train-slm";
import { samplePerLabel, seededRandom, SHARED_DATA_DIR, stratifiedSplit } from "./eval/datasets";
import { chrF, rougeL } from "../models/learning/text-similarity";
import { checkDraft } from "../models/tasks/draft-check";
import { SlmEngine, type GenerateResult } from "../models/runtime/engine";
import { getSharedLlama } from "../models/runtime/llama";
import {
  DEFAULT_TONE,
  DRAFT_MAX_TOKENS,
  DRAFT_SAMPLING,
  type DraftInput,
  draftMessages,
  draftReply,
  REFERENCE_CHARS,
} from "../models/tasks/draft";
import { Embedder } from "../models/learning/embedder";

const SEED = 0; // split, pool and training sample
const HELDOUT_FRACTION = 0.2;
const OUT_DIR = path.resolve(import.meta.dirname, ".data", "slm");

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith("--") ? [[a.slice(2), all[i + 1]?.startsWith("--") ? "true" : (all[i + 1] ?? "true")]] : [])),
);
const num = (k: string, d: number) => (args[k] !== undefined ? Number(args[k]) : d);
const TRAIN = num("train", 200);
const POOL_PER_INTENT = num("pool", 50);
const HELDOUT_PER_INTENT = num("heldout", 2);
const THREADS = num("threads", 1);
/** The shared data folder beside the checkout; a worktree elsewhere passes --data. */
const DATA_DIR = args.data ?? SHARED_DATA_DIR;
const MAX_TOKENS = num("max-tokens", DRAFT_MAX_TOKENS);
/** The base model with the retrieved reply in its prompt, no adapter: tells the prompt's share of the gain from the LoRA's. */
const GROUNDED = args["no-grounded"] !== "true";
const BASELINE_ONLY = args["baseline-only"] === "true";
/**
 * How the LoRA samples: "adapted" as production drafts with an adapter (ADAPTED_DRAFT_SAMPLING), or "base" with the
 * base model's repetition penalties (DRAFT_SAMPLING), to measure what the adapted sampling adds.
 */
const LORA_SAMPLING = args["lora-sampling"] === "base" ? "base" : "adapted";
/**
 * How the adapter is loaded: "merged" into the base's weights, as production does after training (mergeSlmAdapter),
 * or applied at "runtime" by node-llama-cpp, to measure what merging changes.
 */
const LORA_LOAD = args["lora-load"] === "runtime" ? "runtime" : "merged";
/** `--shard k/n`: this process drafts only every n-th held-out ticket from the k-th, so n processes share the work. */
const [SHARD, SHARDS] = (args.shard ?? "0/1").split("/").map(Number) as [number, number];
const TRAINING = { epochs: num("epochs", 1), lr: num("lr", 1e-3), rank: num("rank", 16), gradAccum: 4, maxLength: num("max-length", 768) };

interface Ticket {
  text: string;
  intent: string;
  reply: string;
}

function loadTickets(): Ticket[] {
  const records = parse(readFileSync(path.join(DATA_DIR, "bitext/bitext-customer-support.csv")), { columns: true }) as Record<string, string>[];
  return records.map((r) => ({ text: r.instruction ?? "", intent: r.intent ?? "", reply: r.response ?? "" }));
}

/** The draft input production builds for a one-message ticket (bitext has no subjects). */
function draftInput(t: Ticket, reference?: string): DraftInput {
  return { subject: "(no subject)", thread: [{ from: "customer", text: t.text }], tone: DEFAULT_TONE, ...(reference ? { references: [reference] } : {}) };
}

function nearest(query: Float32Array, pool: Float32Array[], exclude = -1): number {
  let best = -1;
  let bestScore = -Infinity;
  pool.forEach((v, i) => {
    if (i === exclude) return;
    let s = 0;
    for (let d = 0; d < v.length; d++) s += v[d]! * query[d]!;
    if (s > bestScore) [best, bestScore] = [i, s];
  });
  return best;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : null;
};
const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

async function main() {
  await mkdir(OUT_DIR, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const tickets = loadTickets();
  const split = stratifiedSplit(tickets, (t) => t.intent, HELDOUT_FRACTION, SEED);
  const poolIdx = samplePerLabel(tickets, split.train, (t) => t.intent, POOL_PER_INTENT, SEED);
  const heldIdx = samplePerLabel(tickets, split.test, (t) => t.intent, HELDOUT_PER_INTENT, SEED);
  const intents = new Set(tickets.map((t) => t.intent)).size;
  // The training examples: the first ceil(TRAIN / intents) pool tickets of each intent (the pool is already a seeded sample).
  const perIntent = Math.ceil(TRAIN / intents);
  const seen = new Map<string, number>();
  const trainLocal = poolIdx
    .map((_, j) => j)
    .filter((j) => {
      const intent = tickets[poolIdx[j]!]!.intent;
      const n = seen.get(intent) ?? 0;
      seen.set(intent, n + 1);
      return n < perIntent;
    })
    .slice(0, TRAIN);

  const setup = {
    data: path.join(DATA_DIR, "bitext/bitext-customer-support.csv"),
    rows: tickets.length,
    intents,
    split: `stratified by intent, ${HELDOUT_FRACTION * 100}% held out, seed ${SEED} (models/eval/datasets.ts stratifiedSplit, mulberry32)`,
    heldOut: heldIdx.length,
    retrievalPool: poolIdx.length,
    trainExamples: trainLocal.length,
    threads: THREADS,
    maxTokens: MAX_TOKENS,
    training: TRAINING,
  };
  log(JSON.stringify(setup));

  // Stage 1: vectors (MiniLM, as production's retrieval), cached per sample.
  let embedder: Embedder | undefined;
  const vectorsOf = async (name: string, indices: number[]) => {
    const file = path.join(OUT_DIR, `vectors-${name}-${SEED}-${name === "pool" ? POOL_PER_INTENT : HELDOUT_PER_INTENT}.json`);
    if (existsSync(file)) return (JSON.parse(await readFile(file, "utf8")) as number[][]).map((v) => Float32Array.from(v));
    const t0 = performance.now();
    embedder ??= await Embedder.create({ model: DEFAULT_EMBEDDING_MODEL, threads: THREADS, llama: await getSharedLlama({ gpu: "false" }) });
    const vs = await embedder.embedMany(indices.map((i) => tickets[i]!.text));
    await writeFile(file, JSON.stringify(vs.map((v) => [...v])));
    log(`embedded ${indices.length} ${name} tickets in ${Math.round((performance.now() - t0) / 1000)} s`);
    return vs;
  };
  const poolVecs = await vectorsOf("pool", poolIdx);
  const heldVecs = await vectorsOf("heldout", heldIdx);
  await embedder?.dispose();

  const baseGguf = await ensureModelFile(DEFAULT_CHAT_MODEL, { role: "chat" });
  const load = (lora?: string[]) =>
    SlmEngine.load({ modelPath: baseGguf, modelId: DEFAULT_CHAT_MODEL, threads: THREADS, sequences: 1, contextSize: 2048, gpu: "false", lora, mergedLora: LORA_LOAD === "merged" });
  const draft = (engine: SlmEngine, input: DraftInput, sampling?: typeof DRAFT_SAMPLING) =>
    draftReply(engine, input, { timeoutMs: 600_000, maxTokens: MAX_TOKENS, ...(sampling && { sampling }) });
  const timing = (r: GenerateResult) => ({ ttftMs: Math.round(r.timings.ttftMs), tokensPerSecond: round(r.timings.tokensPerSecond), tokens: r.usage.completionTokens });
  const retrievedFor = (k: number) => tickets[poolIdx[nearest(heldVecs[k]!, poolVecs)]!]!;
  type Side = { text: string; ttftMs: number; tokensPerSecond: number | null };
  type Baseline = { index: number; base: Side; grounded?: Side };
  const readRows = async <T>(file: string) => (existsSync(file) ? (await readFile(file, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as T) : []);

  // Stage 2a: the drafts that need no adapter, cached per held-out sample (any training settings reuse them).
  const baselineFile = path.join(OUT_DIR, `baseline-${SEED}-${HELDOUT_PER_INTENT}-${MAX_TOKENS}${GROUNDED ? "" : "-nogrounded"}.jsonl`);
  const baselines = new Map((await readRows<Baseline>(baselineFile)).map((b) => [b.index, b]));
  if (BASELINE_ONLY) {
    const base = await load();
    for (const [k, i] of heldIdx.entries()) {
      if (baselines.has(i)) continue;
      const t = tickets[i]!;
      const b = await draft(base, draftInput(t));
      const g = GROUNDED ? await draft(base, draftInput(t, retrievedFor(k).reply)) : null;
      const row = { index: i, base: { text: b.text, ...timing(b) }, ...(g ? { grounded: { text: g.text, ...timing(g) } } : {}) };
      await appendFile(baselineFile, `${JSON.stringify(row)}\n`);
      log(`baseline ${k + 1}/${heldIdx.length} ${t.intent}: chrF base ${chrF(b.text, t.reply).toFixed(1)} grounded ${g ? chrF(g.text, t.reply).toFixed(1) : "-"}`);
    }
    await base.dispose();
    return;
  }

  // Stage 2: the adapter, cached by its training settings.
  const key = `${SEED}-${trainLocal.length}-${TRAINING.epochs}-${TRAINING.lr}-${TRAINING.rank}-${TRAINING.maxLength}`;
  const adapterFile = path.join(OUT_DIR, `adapter-${key}.gguf`);
  const statsFile = `${adapterFile}.json`;
  if (!existsSync(statsFile)) {
    const examples = trainLocal.map((j) => {
      const t = tickets[poolIdx[j]!]!;
      const ref = tickets[poolIdx[nearest(poolVecs[j]!, poolVecs, j)]!]!;
      return { messages: draftMessages(draftInput(t, ref.reply), t.reply) };
    });
    await writeFile(path.join(OUT_DIR, `train-${key}.jsonl`), examples.map((e) => JSON.stringify(e)).join("\n") + "\n");
    const trained = await trainSlmAdapter({ baseGguf, examples, out: adapterFile, threads: THREADS, seed: SEED, ...TRAINING, log });
    await writeFile(statsFile, JSON.stringify({ sha256: trained.sha256, bytes: trained.bytes, ...trained.stats }));
  }
  const training = JSON.parse(await readFile(statsFile, "utf8")) as Record<string, unknown>;
  log(`adapter: ${JSON.stringify(training)}`);
  if (LORA_LOAD === "merged") await mergeSlmAdapter(baseGguf, adapterFile, { log });

  // Stage 3: drafts, appended per ticket.
  const resultsFile = path.join(OUT_DIR, `results-${key}-${HELDOUT_PER_INTENT}-${MAX_TOKENS}${GROUNDED ? "" : "-nogrounded"}-lora-${LORA_SAMPLING}${LORA_LOAD === "merged" ? "" : "-runtime"}.jsonl`);
  const done = new Set(
    existsSync(resultsFile) ? (await readFile(resultsFile, "utf8")).split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { index: number }).index) : [],
  );
  if (args.summarize !== "true" && done.size < heldIdx.length) {
    const base = await load();
    const tuned = await load([adapterFile]);
    for (const [k, i] of heldIdx.entries()) {
      if (done.has(i) || k % SHARDS !== SHARD) continue;
      const t = tickets[i]!;
      const ref = retrievedFor(k);
      const cached = baselines.get(i);
      const side = async (input: DraftInput) => {
        const r = await draft(base, input);
        return { text: r.text, ...timing(r) };
      };
      const b = cached?.base ?? (await side(draftInput(t)));
      const g = GROUNDED ? (cached?.grounded ?? (await side(draftInput(t, ref.reply)))) : null;
      const l = await draft(tuned, draftInput(t, ref.reply), LORA_SAMPLING === "base" ? DRAFT_SAMPLING : undefined);
      const row = {
        index: i,
        intent: t.intent,
        ticket: t.text,
        reference: t.reply,
        retrieved: { intent: ref.intent, text: ref.reply },
        base: b,
        ...(g ? { grounded: g } : {}),
        lora: { text: l.text, ...timing(l) },
      };
      await appendFile(resultsFile, JSON.stringify(row) + "\n");
      log(`${k + 1}/${heldIdx.length} ${t.intent}: chrF base ${chrF(b.text, t.reply).toFixed(1)} retrieval ${chrF(ref.reply, t.reply).toFixed(1)} grounded ${g ? chrF(g.text, t.reply).toFixed(1) : "-"} lora ${chrF(l.text, t.reply).toFixed(1)}`);
    }
    await base.dispose();
    await tuned.dispose();
  }

  // Summary over every finished ticket.
  type Row = { intent: string; ticket: string; reference: string; retrieved: { intent: string; text: string }; base: Side; lora: Side; grounded?: Side };
  // Shards append to one file: one row per ticket.
  const rows = [...new Map((await readRows<Row & { index: number }>(resultsFile)).map((r) => [r.index, r])).values()];
  const systems: Record<string, (r: Row) => string> = {
    base: (r) => r.base.text,
    retrieval: (r) => r.retrieved.text,
    // A model that only copied would score this: the prompt shows the retrieved reply cut at REFERENCE_CHARS
    // (models/tasks/draft.ts), while retrieval sends it whole.
    retrievalAsPrompted: (r) => r.retrieved.text.slice(0, REFERENCE_CHARS),
    ...(rows.every((r) => r.grounded) ? { grounded: (r: Row) => r.grounded!.text } : {}),
    lora: (r) => r.lora.text,
  };
  const scores = Object.fromEntries(
    Object.entries(systems).map(([name, text]) => [
      name,
      {
        chrF: round(mean(rows.map((r) => chrF(text(r), r.reference)))),
        rougeL: round(mean(rows.map((r) => rougeL(text(r), r.reference)))),
      },
    ]),
  );
  // What production shows: a draft that fails the checks (models/tasks/draft-check.ts) is replaced by the retrieved reply.
  const passes = (r: Row) => checkDraft(r.lora.text, { ticket: r.ticket, references: [r.retrieved.text], language: "en", instructions: [] }).passed;
  const loraPassing = rows.filter(passes).length;
  scores.loraChecked = {
    chrF: round(mean(rows.map((r) => chrF(passes(r) ? r.lora.text : r.retrieved.text, r.reference)))),
    rougeL: round(mean(rows.map((r) => rougeL(passes(r) ? r.lora.text : r.retrieved.text, r.reference)))),
  };
  // A ceiling for any system that sends one reply from the pool: the pool reply closest to each reference, chosen
  // knowing the reference. A draft can pass it only by writing closer to the ticket than any single sent reply.
  const poolReplies = [...new Set(poolIdx.map((i) => tickets[i]!.reply))];
  const oracle = rows.map((r) => {
    const scored = poolReplies.map((x) => ({ x, c: chrF(x, r.reference) }));
    return scored.reduce((a, b) => (b.c > a.c ? b : a)).x;
  });
  scores.bestPoolReplyOracle = {
    chrF: round(mean(rows.map((r, k) => chrF(oracle[k]!, r.reference)))),
    rougeL: round(mean(rows.map((r, k) => rougeL(oracle[k]!, r.reference)))),
  };
  // Is the LoRA's lead over retrieval more than the luck of these tickets? Per-ticket chrF differences, with a paired
  // bootstrap (2,000 resamples, seeded) for the mean's 95% interval.
  const diff = rows.map((r) => chrF(r.lora.text, r.reference) - chrF(r.retrieved.text, r.reference));
  const rand = seededRandom(SEED);
  const means = Array.from({ length: 2000 }, () => mean(diff.map(() => diff[Math.floor(rand() * diff.length)]!)) ?? 0).sort((a, b) => a - b);
  const loraVsRetrieval = {
    meanChrFGain: round(mean(diff)),
    ci95: [round(means[50]!), round(means[1949]!)],
    ticketsBetter: diff.filter((d) => d > 0).length,
    ticketsWorse: diff.filter((d) => d < 0).length,
  };
  const speed = (s: "base" | "grounded" | "lora") =>
    rows.every((r) => r[s])
      ? { tokensPerSecondMedian: round(median(rows.map((r) => r[s]!.tokensPerSecond ?? NaN))), ttftMsMedian: median(rows.map((r) => r[s]!.ttftMs)) }
      : null;
  const loraChrF = scores.lora!.chrF ?? 0;
  console.log(
    JSON.stringify(
      {
        setup: { ...setup, loraSampling: LORA_SAMPLING, loraLoad: LORA_LOAD, heldOutDrafted: rows.length, retrievalSameIntent: rows.filter((r) => r.retrieved.intent === r.intent).length },
        training: { ...training, adapterBytes: existsSync(adapterFile) ? (await stat(adapterFile)).size : null, baseSha256: await sha256File(baseGguf) },
        scores,
        loraPassingChecks: `${loraPassing}/${rows.length}`,
        loraVsRetrieval,
        speed: { base: speed("base"), grounded: speed("grounded"), lora: speed("lora") },
        goal: {
          loraBeatsBase: loraChrF > (scores.base!.chrF ?? 0),
          loraBeatsRetrieval: loraChrF > (scores.retrieval!.chrF ?? 0),
          loraAtLeastTwiceBase: loraChrF >= 2 * (scores.base!.chrF ?? 0),
        },
        examples: rows.slice(0, 3).map((r) => ({ ticket: r.ticket, reference: r.reference.slice(0, 300), base: r.base.text, lora: r.lora.text })),
      },
      null,
      2,
    ),
  );
}

await main();
