import { env } from "@/server/env";
import { ensureModelFile } from "../fetch";
import { SlmEngine } from "./engine";

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
