/**
 * A fine-tune's files: its LoRA adapter, and the base model with that adapter merged into its weights, which
 * SlmEngine loads in the adapter's place (models/finetune/merge_lora.py writes it after training).
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";

const stem = (adapter: string) => adapter.replace(/\.gguf$/i, "");

/** Beside the adapter, named by the adapter's fingerprint: a retrained adapter at the same path never loads a stale merge. */
export function mergedModelPath(adapter: string, adapterFingerprint: string): string {
  return `${stem(adapter)}.merged-${adapterFingerprint}.gguf`;
}

/** Deletes an adapter and every merged copy of it. */
export async function removeAdapterFiles(adapter: string): Promise<void> {
  const prefix = `${path.basename(stem(adapter))}.merged-`;
  const siblings = await readdir(path.dirname(adapter)).catch(() => [] as string[]);
  await Promise.all([adapter, ...siblings.filter((f) => f.startsWith(prefix)).map((f) => path.join(path.dirname(adapter), f))].map((f) => rm(f, { force: true })));
}
