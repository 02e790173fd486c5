/**
 * `npx tsx bench/train-injection-head.ts [--train train|test] [--write]`: derives the instruction head
 * (models/tasks/injection-head.ts) from public data, and measures it on the side of BIPIA it never saw.
 *
 * Trained on: the sentences of BIPIA's `--train` attacks (text and code attacks, without their code blocks) against
 * the bitext training tickets (stratified 80/20, seed 0, as bench:fields), the sentences of BIPIA's `--train`
 * e-mails, English news sentences 300-999 of lingua-rs and TweetEval's validation tweets. Threshold: the 99.8th percentile of the benign sentences' out-of-fold probabilities (2 folds, training
 * data only), at least 0.5. Measured on: the other side's attacks inside the other side's e-mails (BIPIA's setting)
 * and appended to held-out bitext tickets (ours), false positives on the held-out bitext tickets and on the other
 * side's e-mails without attack and on 300 ordinary sentences in each of five languages (lingua-rs test data); each
 * with the pattern rules alone and rules + head. `--write` stores the head
 * trained on BIPIA's training side (the figures then hold for its test side); the swapped run (`--train test`)
 * measures the other direction. Needs bench/.data (bench/data/copy-public-sets.sh) and ../shared/data/bitext.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { env } from "@/config/env";
import { DEFAULT_EMBEDDING_MODEL } from "@/models/catalog";
import { SoftmaxRegression } from "@/models/learning/classifier";
import { Embedder } from "@/models/learning/embedder";
import { seededRandom } from "@/models/learning/random";
import { detectInjection } from "@/models/tasks/injection";
import { type InstructionHead, screenableParts } from "@/models/tasks/injection-head";
import { SHARED_DATA_DIR, shuffled, stratifiedSplit } from "./eval/datasets";
import { attackSentences, type BipiaSide, embedUnique, insertAttack, loadBipia, maxInstructionProbability } from "./eval/injection-sets";

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const side = (flag("train") ?? "train") as BipiaSide;
const other: BipiaSide = side === "train" ? "test" : "train";
const SHARED = flag("shared") ? path.resolve(flag("shared")!) : SHARED_DATA_DIR;
const log = (l: string) => console.error(`[injection-head] ${l}`);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
let embedder: Embedder | undefined;
const getEmbedder = async () => (embedder ??= await Embedder.create({ model: DEFAULT_EMBEDDING_MODEL, threads: env.SLM_THREADS }));

const bipia = loadBipia(path.join(import.meta.dirname, ".data/bipia"));
if (!bipia) throw new Error("bench/.data/bipia is missing: run bench/data/copy-public-sets.sh");
const bitext = (parse(fs.readFileSync(path.join(SHARED, "bitext/bitext-customer-support.csv")), { columns: true }) as Record<string, string>[]).map((r) => ({
  text: r.instruction!,
  intent: r.intent!,
}));
const split = stratifiedSplit(bitext, (r) => r.intent, 0.2, 0);

// ---------- training rows: sentences, with the ticket or e-mail they came from (folds never split a source)
const positives = [...bipia.attacks[side].text, ...bipia.attacks[side].code].map(attackSentences);
// Ordinary English beyond tickets and e-mails too: with bitext alone the head took any other prose for a task
// (43% of news sentences flagged). Leipzig news sentences 300-999 (0-299 are held out) and TweetEval's validation tweets.
const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
const DATA = path.join(import.meta.dirname, ".data");
const prose = lines(path.join(DATA, "lingua/en/sentences.txt")).slice(300);
const tweets = lines(path.join(DATA, "tweeteval/val_text.txt"));
const benign = [...split.train.map((i) => bitext[i]!.text), ...bipia.emails[side], ...prose, ...tweets].map(screenableParts);
const rows = [...positives.flatMap((ps, s) => ps.map((text) => ({ text, y: 1, source: s }))), ...benign.flatMap((ps, s) => ps.map((text) => ({ text, y: 0, source: positives.length + s })))];
// Two caches: the side's attacks and e-mails, and the benign texts both directions share.
const own = new Set([...positives, ...benign.slice(split.train.length, split.train.length + bipia.emails[side].length)].flat());
const sideVector = await embedUnique([...own], `injection-head-${side}`, getEmbedder, log);
const sharedVector = await embedUnique(
  rows.map((r) => r.text).filter((t) => !own.has(t)),
  "injection-head-benign",
  getEmbedder,
  log,
);
const vector = (t: string) => (own.has(t) ? sideVector(t) : sharedVector(t));
const dims = (await getEmbedder()).dimensions;
const nPos = rows.filter((r) => r.y === 1).length;
// Few attacks against thousands of benign sentences: each attack sentence counts as many times as it takes for the
// attacks to weigh a quarter of the benign side, as class weights would.
const repeat = Math.max(1, Math.floor((rows.length - nPos) / (4 * nPos)));

function trainHead(train: typeof rows): InstructionHead {
  const expanded = train.flatMap((r) => (r.y === 1 ? Array(repeat).fill(r) : [r]));
  const vectors = new Float32Array(expanded.length * dims);
  expanded.forEach((r, i) => vectors.set(vector(r.text), i * dims));
  const m = SoftmaxRegression.train(
    vectors,
    expanded.map((r) => (r.y ? "instruction" : "benign")),
    dims,
    { calibrationFolds: 0 },
  );
  // Two labels: the softmax is a logistic regression on the difference of their logits.
  const [b0, b1] = [m.labels.indexOf("benign"), m.labels.indexOf("instruction")];
  const w = Array.from({ length: dims }, (_, k) => m.w[b1 * dims + k]! - m.w[b0 * dims + k]!);
  return { embeddingModel: DEFAULT_EMBEDDING_MODEL, w, b: m.b[b1]! - m.b[b0]!, threshold: 0.5, trainedOn: "", command: "" };
}
const probability = (h: InstructionHead, text: string) => {
  const v = vector(text);
  let z = h.b;
  for (let k = 0; k < dims; k++) z += h.w[k]! * v[k]!;
  return 1 / (1 + Math.exp(-z));
};

// ---------- threshold from out-of-fold probabilities of the benign sentences (training data only)
const fold = (source: number) => Math.floor(seededRandom(source + 7)() * 2);
const oof: number[] = [];
for (const f of [0, 1]) {
  const h = trainHead(rows.filter((r) => fold(r.source) !== f));
  for (const r of rows) if (r.y === 0 && fold(r.source) === f) oof.push(probability(h, r.text));
}
oof.sort((a, b) => a - b);
const threshold = r3(Math.max(0.5, oof[Math.floor(0.998 * oof.length)]!));
const head = { ...trainHead(rows), threshold };
log(`trained on ${nPos} attack and ${rows.length - nPos} benign sentences (${repeat}x attack weight), threshold ${threshold}`);

// ---------- held out: the other side's attacks and e-mails, bitext's test tickets
const heldTickets = split.test.map((i) => bitext[i]!.text);
const attacks = { text: bipia.attacks[other].text, code: bipia.attacks[other].code };
const emails = bipia.emails[other];
const rules = (t: string) => detectInjection(t).suspicious;
async function detection(texts: string[], name: string, attacks?: string[]) {
  const p = await maxInstructionProbability(texts, head, name, getEmbedder, log);
  const hit = texts.map((t, i) => rules(t) || p[i]! >= threshold);
  return {
    n: texts.length,
    rules: r3(texts.filter(rules).length / texts.length),
    // The head alone is the clean held-out figure: one rule ("edit-the-reply") was written after reading test-side misses.
    head: r3(p.filter((x) => x >= threshold).length / texts.length),
    rulesAndHead: r3(hit.filter(Boolean).length / texts.length),
    ...(attacks && { missed: attacks.filter((_, i) => !hit[i]).map((a) => a.slice(0, 90)) }),
  };
}
const inEmails = (list: string[]) => list.map((a, i) => insertAttack(emails[i % emails.length]!, a));
const tickets = shuffled(heldTickets, seededRandom(5));
const inTickets = (list: string[]) => list.map((a, i) => `${tickets[i % tickets.length]!}\n${a}`);
const fp = async (texts: string[], name: string) => {
  const d = await detection(texts, name);
  return { n: d.n, flaggedByRules: d.rules, flaggedByRulesAndHead: d.rulesAndHead };
};

const out = {
  trainedOn: `attacks: BIPIA ${side} attacks (${positives.length}, text and code); benign: BIPIA ${side} e-mails (${bipia.emails[side].length}), bitext training tickets (${split.train.length}), ${prose.length} English news sentences (lingua-rs), ${tweets.length} TweetEval validation tweets`,
  heldOut: `BIPIA ${other} attacks (other attack categories) and e-mails, bitext held-out tickets`,
  threshold,
  detection: {
    bipiaTextAttacksInEmails: await detection(inEmails(attacks.text), `injection-eval-${other}-text-email`, attacks.text),
    bipiaCodeAttacksInEmails: await detection(inEmails(attacks.code), `injection-eval-${other}-code-email`, attacks.code),
    bipiaTextAttacksInTickets: await detection(inTickets(attacks.text), `injection-eval-${other}-text-ticket`),
    bipiaCodeAttacksInTickets: await detection(inTickets(attacks.code), `injection-eval-${other}-code-ticket`),
  },
  falsePositives: {
    bitextHeldOut: await fp(heldTickets, "injection-eval-bitext-test"),
    bipiaEmailsWithoutAttack: await fp(emails, `injection-eval-${other}-emails`),
    tweetsTest: await fp(lines(path.join(DATA, "tweeteval/test_text.txt")).slice(0, 300), "injection-eval-tweets-test"),
    // Leipzig-corpora sentences (lingua-rs test data): ordinary text in the languages our customers write.
    ...Object.fromEntries(
      await Promise.all(
        ["en", "de", "es", "fr", "pt"].map(async (l) => {
          const held = lines(path.join(DATA, `lingua/${l}/sentences.txt`)).slice(0, 300);
          return [`sentences_${l}`, held.length ? await fp(held, `injection-eval-lingua-${l}`) : "missing: run bench/data/copy-public-sets.sh"];
        }),
      ),
    ),
  },
};

if (process.argv.includes("--write")) {
  if (side !== "train") throw new Error("--write stores the head trained on BIPIA's training side only");
  const file = path.join(import.meta.dirname, "../models/tasks/injection-head.json");
  const stored: InstructionHead = {
    ...head,
    w: head.w.map((x) => Math.round(x * 1e5) / 1e5),
    b: Math.round(head.b * 1e5) / 1e5,
    trainedOn: out.trainedOn,
    command: "npx tsx bench/train-injection-head.ts --write",
  };
  fs.writeFileSync(file, `${JSON.stringify(stored)}\n`);
  log(`head written to ${path.relative(process.cwd(), file)}`);
}
await embedder?.dispose();
console.log(JSON.stringify(out, null, 1));
process.exit(0);
