/**
 * Fine-tunes the encoder on exactly the training sample classifier-eval.ts uses for a setting, so the tuned encoder
 * can be measured with the same protocol (it never sees a val or test row):
 *
 *   npx tsx bench/eval/finetune-eval.ts --data=clinc --per-label=10 [--epochs=1 --pairs=4 --seed=0 --random-batches
 *     --label-names]
 *   npx tsx bench/eval/classifier-eval.ts --embed-model=<the printed gguf> --only=clincK10
 *
 * --data: clinc (CLINC150 train, in scope) or bitext-intent (the 80% side of classifier-eval's split);
 * --per-label=0 trains on all rows. The GGUF is cached under models/.cache/finetuned/ by its settings.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { trainEncoder } from "@/models/finetune/train-encoder";
import { DEFAULT_EMBEDDING_MODEL } from "@/models/catalog";
import { env } from "@/config/env";
import { loadBitext, loadClinc, samplePerLabel, stratifiedSplit } from "./datasets";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const data = arg("data") ?? "clinc";
const perLabel = Number(arg("per-label") ?? 10);
const epochs = Number(arg("epochs") ?? 1);
const pairs = Number(arg("pairs") ?? 4);
const seed = Number(arg("seed") ?? 0);
const hardNegatives = !process.argv.includes("--random-batches");
// Label names ("cancel_order" -> "cancel order") as one more example per label, as classifier-eval's *LabelNames rows.
const labelNames = process.argv.includes("--label-names");

function trainingRows(): { text: string; label: string }[] {
  if (data === "clinc") {
    const train = loadClinc().train;
    const all = train.map((_, i) => i);
    const picked = perLabel > 0 ? samplePerLabel(train, all, (r) => r.label, perLabel, 0) : all;
    return picked.map((i) => ({ text: train[i]!.text, label: train[i]!.label }));
  }
  if (data === "bitext-intent") {
    const rows = loadBitext();
    const { train } = stratifiedSplit(rows, (r) => r.intent, 0.2, 0);
    const picked = perLabel > 0 ? samplePerLabel(rows, train, (r) => r.intent, perLabel, 0) : train;
    return picked.map((i) => ({ text: rows[i]!.text, label: rows[i]!.intent }));
  }
  throw new Error(`--data must be clinc or bitext-intent, not ${data}`);
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../models/.cache/finetuned");
const name = `${data}-k${perLabel || "all"}-e${epochs}-p${pairs}-s${seed}${hardNegatives ? "-hn" : ""}${labelNames ? "-names" : ""}.gguf`;
const out = path.join(dir, name);
const rows = trainingRows();
const names = [...new Set(rows.map((r) => r.label))].sort().map((label) => ({ text: label.replace(/_/g, " ").toLowerCase(), label }));
const examples = labelNames ? [...rows, ...names] : rows;
if (existsSync(out)) {
  console.log(JSON.stringify({ gguf: out, cached: true, examples: examples.length }));
} else {
  await mkdir(dir, { recursive: true });
  const trained = await trainEncoder({
    base: DEFAULT_EMBEDDING_MODEL,
    examples,
    out,
    epochs,
    pairs,
    seed,
    hardNegatives,
    threads: env.SLM_THREADS,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify({ gguf: out, sha256: trained.sha256, ...trained.stats }));
}
