import type { Llama, LlamaLogLevel } from "node-llama-cpp";

export type GpuSetting = "auto" | "cuda" | "vulkan" | "metal" | "false";

let shared: Promise<Llama> | undefined;

/** llama.cpp's own log lines go to stderr: stdout belongs to the program (benchmarks print their JSON there). */
export const llamaLogger = (level: LlamaLogLevel, message: string) => void process.stderr.write(`[llama.cpp ${level}] ${message.trimEnd()}\n`);

/**
 * The process-wide llama.cpp binding (one per process: each getLlama() loads its own native backend).
 * "auto" tries CUDA, Vulkan and Metal and falls back to the CPU; the log line says what was picked, because a
 * silent CPU fallback on a GPU server is the most expensive misconfiguration there is.
 */
export function getSharedLlama(opts: { gpu: GpuSetting; log?: (line: string) => void }): Promise<Llama> {
  shared ??= (async () => {
    const { getLlama } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: opts.gpu === "false" ? false : opts.gpu, logger: llamaLogger });
    const backend = llama.gpu === false ? "cpu" : llama.gpu;
    const devices = llama.gpu === false ? [] : await llama.getGpuDeviceNames().catch(() => []);
    opts.log?.(
      `[slm] backend ${backend}${devices.length ? ` (${devices.join(", ")})` : ""}, ${llama.buildType} binary` +
        (opts.gpu !== "auto" && opts.gpu !== "false" && llama.gpu !== opts.gpu ? `; requested ${opts.gpu}` : "") +
        (opts.gpu === "auto" && llama.gpu === false ? "; no usable GPU found, running on CPU" : ""),
    );
    return llama;
  })();
  shared.catch(() => (shared = undefined));
  return shared;
}

export async function disposeSharedLlama() {
  const current = shared;
  shared = undefined;
  await (await current?.catch(() => undefined))?.dispose();
}
