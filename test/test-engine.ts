import { env } from "@/config/env";
import { ensureModelFile } from "@/models/fetch";
import { SlmEngine } from "@/models/runtime/engine";

/** The default chat model as the tests load it: the same settings as the worker, a smaller context. */
export async function loadTestEngine(opts: { sequences: number }) {
  return SlmEngine.load({
    modelPath: await ensureModelFile(env.SLM_MODEL, { role: "chat" }),
    modelId: env.SLM_MODEL,
    threads: env.SLM_THREADS,
    sequences: opts.sequences,
    contextSize: 2048,
    gpu: env.SLM_GPU,
  });
}
