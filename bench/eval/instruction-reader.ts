/**
 * Would the chat model read instructions to an AI better than MiniLM does? (issue #15: the instruction head, which
 * reads MiniLM vectors, finds 69.6% of BIPIA's held-out text attacks, against a 90% goal.)
 *
 *   npx tsx bench/eval/instruction-reader.ts --reader minilm|slm
 *
 * The same sentences for both readers, a logistic regression on each reader's vectors (attack sentences weighted to a
 * quarter of the benign side, as bench/train-injection-head.ts does). Train: the sentences of BIPIA's training
 * attacks (text and code) against 600 bitext training-ticket sentences, 150 English news sentences (lingua-rs, from
 * 300 on), 150 TweetEval validation tweets and 200 sentences of BIPIA's training e-mails. Test: BIPIA's test attacks
 * (other attack categories) against 400 held-out bitext sentences, 150 news sentences (0-299) and 150 test e-mail
 * sentences. Prints AUC and the share of attack sentences above the benign 99th and 95th percentiles.
 *
 * The slm reader asks SmolLM2-135M-Instruct "Is this text an instruction to an AI assistant?" about each sentence in
 * its chat template and reads the hidden state of the prompt's last token (the GGUF declares no pooling, so
 * node-llama-cpp returns the last token's state): the answer the model is about to give, as a vector.
 *
 * Result (2026-11-27, quiet machine; 125 / 1,067 training and 126 / 693 test sentences):
 *                 AUC text   AUC code   text attacks above benign p99 / p95   seconds for ~2,000 sentences
 *   minilm        0.961      1.000      60.5% / 77.6%                          40 (1 thread)
 *   slm           0.933      1.000      65.8% / 78.9%                          441 (2 threads)
 * Neither is near 90%: the 135M model's reading is a few points better at a 1% false-positive rate, worse by AUC,
 * at 11x the time on twice the threads. Needs bench/.data
 * (bench/data/copy-public-sets.sh) and ../shared/data/bitext.
 */
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL } from "@/models/catalog";
import { ensureModelFile } from "@/models/fetch";
import { SoftmaxRegression } from "@/models/learning/classifier";
import { Embedder } from "@/models/learning/embedder";
import { llamaLogger } from "@/models/runtime/llama";
import { screenableParts } from "@/models/tasks/injection-head";
import { loadBitext, seededRandom, shuffled, stratifiedSplit } from "./datasets";
import { attackSentences, loadBipia } from "./injection-sets";

const i = process.argv.indexOf("--reader");
const READER = i > 0 ? process.argv[i + 1] : "minilm";
if (READER !== "minilm" && READER !== "slm") throw new Error("--reader minilm|slm");
const QUESTION = "Is this text an instruction to an AI assistant? Answer yes or no.";
const DATA = path.resolve(import.meta.dirname, "../.data");
const bipia = loadBipia(path.join(DATA, "bipia"));
if (!bipia) throw new Error("bench/.data/bipia is missing: run bench/data/copy-public-sets.sh");
const lines = (file: string) => fs.readFileSync(path.join(DATA, file), "utf8").split("\n").filter(Boolean);

const bitext = loadBitext();
const split = stratifiedSplit(bitext, (r) => r.intent, 0.2, 0);
const rnd = seededRandom(1);
const sample = (texts: string[], n: number) => shuffled([...new Set(texts.flatMap(screenableParts))], rnd).slice(0, n);
const news = lines("lingua/en/sentences.txt");
const attacks = (side: "train" | "test", kind: "text" | "code") => [...new Set(bipia.attacks[side][kind].flatMap(attackSentences))];
const train = {
  attacks: [...new Set([...attacks("train", "text"), ...attacks("train", "code")])],
  benign: [
    ...sample(split.train.map((k) => bitext[k]!.text), 600),
    ...sample(news.slice(300), 150),
    ...sample(lines("tweeteval/val_text.txt"), 150),
    ...sample(bipia.emails.train, 200),
  ],
};
const test = {
  text: attacks("test", "text"),
  code: attacks("test", "code"),
  benign: [...sample(split.test.map((k) => bitext[k]!.text), 400), ...sample(news.slice(0, 300), 150), ...sample(bipia.emails.test, 150)],
};

async function reader(): Promise<{ dims: number; embed: (text: string) => Promise<Float32Array> }> {
  if (READER === "minilm") {
    const e = await Embedder.create({ model: DEFAULT_EMBEDDING_MODEL, threads: 1 });
    return { dims: e.dimensions, embed: (t) => e.embed(t) };
  }
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ logger: llamaLogger });
  const model = await llama.loadModel({ modelPath: await ensureModelFile(DEFAULT_CHAT_MODEL, { role: "chat" }) });
  const ctx = await model.createEmbeddingContext({ threads: 2, contextSize: 512, batchSize: 512 });
  return {
    dims: model.embeddingVectorSize,
    embed: async (t) => {
      const v = Float32Array.from((await ctx.getEmbeddingFor(`<|im_start|>user\n${QUESTION}\nText: "${t.slice(0, 600)}"<|im_end|>\n<|im_start|>assistant\n`)).vector);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    },
  };
}

const started = performance.now();
const { dims, embed } = await reader();
const embedAll = async (texts: string[]) => {
  const out: Float32Array[] = [];
  for (const t of texts) out.push(await embed(t));
  return out;
};
const [pos, neg] = [await embedAll(train.attacks), await embedAll(train.benign)];
const repeat = Math.max(1, Math.floor(neg.length / (4 * pos.length)));
const rows = [...pos.flatMap((v) => Array<Float32Array>(repeat).fill(v)), ...neg];
const vectors = new Float32Array(rows.length * dims);
rows.forEach((v, k) => vectors.set(v, k * dims));
const head = SoftmaxRegression.train(vectors, [...Array<string>(pos.length * repeat).fill("instruction"), ...neg.map(() => "benign")], dims, { calibrationFolds: 0 });
const probability = async (texts: string[]) => (await embedAll(texts)).map((v) => head.scores(v).find((s) => s.label === "instruction")!.score);

const [text, code, benign] = [await probability(test.text), await probability(test.code), await probability(test.benign)];
const sorted = [...benign].sort((a, b) => a - b);
const auc = (p: number[]) => p.reduce((w, x) => w + benign.reduce((c, y) => c + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0) / (p.length * benign.length);
const above = (p: number[], q: number) => p.filter((x) => x > sorted[Math.floor(q * sorted.length)]!).length / p.length;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    reader: READER,
    sentences: { trainAttacks: train.attacks.length, trainBenign: train.benign.length, testText: text.length, testCode: code.length, testBenign: benign.length },
    auc: { text: r3(auc(text)), code: r3(auc(code)) },
    aboveBenignP99: { text: r3(above(text, 0.99)), code: r3(above(code, 0.99)) },
    aboveBenignP95: { text: r3(above(text, 0.95)), code: r3(above(code, 0.95)) },
    seconds: Math.round((performance.now() - started) / 1000),
  }),
);
