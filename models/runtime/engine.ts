import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Llama, LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { sha256File } from "../fetch";
import { mergedModelPath } from "./adapter-files";
import { getSharedLlama, type GpuSetting } from "./llama";
import { SequencePool } from "./sequence-pool";

export interface EngineOptions {
  modelPath: string;
  /** Catalog id or file name, stored with every result so outputs stay comparable across model versions. */
  modelId: string;
  /** Always explicit: left to node-llama-cpp it oversubscribes small machines (measured 100x slower on 2 cores). */
  threads: number;
  sequences: number;
  /** Per sequence. */
  contextSize: number;
  gpu: GpuSetting;
  /**
   * LoRA adapters (.gguf) applied on top of the model: a fine-tune without a new base file. One adapter with a merged
   * copy beside it (mergedModelPath, written after training) is loaded merged instead: applied at run time it cost
   * 13% of decode speed on 2 CPU cores, merged nothing.
   */
  lora?: string[];
  /** false: apply `lora` at run time even when a merged copy exists (benchmarks compare the two). */
  mergedLora?: boolean;
  log?: (line: string) => void;
}

export interface GenerateRequest {
  /** What the call is for (triage, draft, bench...): every log line and usage record carries it. */
  label: string;
  system: string;
  prompt: string;
  grammar?: LlamaGrammar;
  maxTokens: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Streamed text, in order; called on the model's thread of control, so keep it cheap. */
  onText?: (text: string) => void;
  temperature?: number;
  seed?: number;
  /** Discourages loops in free text (small models repeat a sentence until maxTokens); off for grammar output. */
  repeatPenalty?: { penalty?: number; frequencyPenalty?: number; presencePenalty?: number; lastTokens?: number };
}

export interface GenerateUsage {
  /** Prompt tokens actually evaluated (a reused prefix is not evaluated again). */
  promptTokens: number;
  /** Prompt tokens served from the sequence's cache. */
  cachedPromptTokens: number;
  completionTokens: number;
}

export interface GenerateTimings {
  /** Waiting for a free sequence. */
  waitMs: number;
  /** From having a sequence to the first output token (prompt evaluation). */
  ttftMs: number;
  totalMs: number;
  /** Output tokens per second after the first one. */
  tokensPerSecond: number | null;
}

export interface GenerateResult {
  text: string;
  stopReason: "eogToken" | "stopGenerationTrigger" | "customStopTrigger" | "maxTokens" | "abort" | "functionCalls";
  usage: GenerateUsage;
  timings: GenerateTimings;
}

export type SlmErrorKind = "timeout" | "aborted" | "failed" | "shutdown";

export class SlmError extends Error {
  constructor(
    readonly kind: SlmErrorKind,
    readonly label: string,
    message: string,
    readonly usage?: Partial<GenerateUsage>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SlmError";
  }
}

/**
 * One model, one context with N sequences, and the gateway every inference call goes through: a label,
 * a timeout, an abort signal, token and latency accounting, and typed failures callers turn into
 * "needs human triage".
 */
export class SlmEngine {
  private closed = false;
  private readonly running = new Set<AbortController>();

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    private readonly pool: SequencePool,
    readonly options: EngineOptions,
    /** Identifies exactly what produced an output: model id + file hash prefix. */
    readonly modelVersion: string,
    /** The file loaded: options.modelPath, or the merged copy of its one adapter. */
    readonly modelFile: string,
  ) {}

  static async load(options: EngineOptions): Promise<SlmEngine> {
    const log = options.log ?? (() => {});
    const llama = await getSharedLlama({ gpu: options.gpu, log });
    const started = performance.now();
    const lora = options.lora ?? [];
    const adapters = await Promise.all(lora.map(fileFingerprint));
    const merged = lora.length === 1 && options.mergedLora !== false ? mergedModelPath(lora[0]!, adapters[0]!) : null;
    const file = merged && existsSync(merged) ? merged : options.modelPath;
    const model = await llama.loadModel({ modelPath: file });
    const context = await model.createContext({
      sequences: options.sequences,
      threads: options.threads,
      contextSize: Math.min(options.contextSize, model.trainContextSize),
      ...(lora.length && file === options.modelPath ? { lora: { adapters: lora.map((filePath) => ({ filePath })) } } : {}),
    });
    const pool = new SequencePool(context);
    // The same version merged or not: the merged file is the base plus this adapter, to 8-bit precision.
    const version = `${options.modelId}@${await fileFingerprint(options.modelPath)}${adapters.map((a) => `+lora:${a}`).join("")}`;
    log(
      `[slm] loaded ${path.basename(file)} in ${Math.round(performance.now() - started)} ms: ` +
        `threads ${options.threads}, sequences ${pool.size}, context ${context.contextSize}/sequence, version ${version}`,
    );
    return new SlmEngine(llama, model, context, pool, options, version, file);
  }

  get sequences() {
    return this.pool.size;
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    if (this.closed) throw new SlmError("shutdown", req.label, "The model is shutting down.");
    const controller = new AbortController();
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = AbortSignal.any([controller.signal, timeout, ...(req.signal ? [req.signal] : [])]);
    this.running.add(controller);
    const t0 = performance.now();
    let slot: Awaited<ReturnType<typeof this.pool.acquire>> | undefined;
    let waitMs = 0;
    let ttftMs: number | null = null;
    let completionTokens = 0;
    let promptTokens = 0;
    let cachedPromptTokens = 0;
    const usage = () => ({ promptTokens, cachedPromptTokens, completionTokens });
    try {
      slot = await this.pool.acquire(prefixKey(req.system), signal);
      waitMs = performance.now() - t0;
      const tStart = performance.now();
      const meterBefore = slot.sequence.tokenMeter.usedInputTokens;
      const response = await slot.chat.generateResponse(
        [
          { type: "system", text: req.system },
          { type: "user", text: req.prompt },
          { type: "model", response: [] },
        ],
        {
          grammar: req.grammar,
          maxTokens: req.maxTokens,
          signal,
          temperature: req.temperature ?? 0,
          seed: req.seed,
          repeatPenalty: req.repeatPenalty ?? false,
          onToken: (tokens) => {
            if (ttftMs === null) {
              ttftMs = performance.now() - tStart;
              promptTokens = slot!.sequence.tokenMeter.usedInputTokens - meterBefore;
              // The sequence holds the whole prompt by now; what was not evaluated came from its cache.
              cachedPromptTokens = Math.max(0, slot!.sequence.nextTokenIndex - promptTokens);
            }
            completionTokens += tokens.length;
          },
          onTextChunk: req.onText,
        },
      );
      slot.prefixKey = prefixKey(req.system);
      const totalMs = performance.now() - t0;
      const genMs = totalMs - waitMs - (ttftMs ?? 0);
      const result: GenerateResult = {
        text: response.response,
        stopReason: response.metadata.stopReason,
        usage: usage(),
        timings: {
          waitMs,
          ttftMs: ttftMs ?? totalMs - waitMs,
          totalMs,
          tokensPerSecond: completionTokens > 1 && genMs > 0 ? ((completionTokens - 1) * 1000) / genMs : null,
        },
      };
      this.options.log?.(
        `[slm] ${req.label} ok: ${promptTokens}+${cachedPromptTokens} cached prompt, ${completionTokens} out, ` +
          `ttft ${Math.round(result.timings.ttftMs)} ms, ${result.timings.tokensPerSecond?.toFixed(1) ?? "-"} tok/s, ${Math.round(totalMs)} ms`,
      );
      return result;
    } catch (err) {
      // A sequence interrupted mid-evaluation holds a partial state: forget its prefix so nothing relies on it.
      if (slot) slot.prefixKey = null;
      const kind: SlmErrorKind = this.closed
        ? "shutdown"
        : timeout.aborted
          ? "timeout"
          : signal.aborted
            ? "aborted"
            : "failed";
      const message =
        kind === "timeout"
          ? `${req.label} timed out after ${req.timeoutMs} ms`
          : `${req.label} ${kind}: ${err instanceof Error ? err.message : String(err)}`;
      this.options.log?.(`[slm] ${message}`);
      throw new SlmError(kind, req.label, message, usage(), { cause: err });
    } finally {
      this.running.delete(controller);
      if (slot) this.pool.release(slot);
    }
  }

  /** Aborts running calls and frees the model; safe to call twice. */
  async dispose() {
    if (this.closed) return;
    this.closed = true;
    const reason = new SlmError("shutdown", "engine", "The model is shutting down.");
    this.pool.close(reason);
    for (const c of this.running) c.abort(reason);
    await this.context.dispose();
    await this.model.dispose();
  }
}

function prefixKey(system: string) {
  return createHash("sha1").update(system).digest("base64url");
}

/** Outputs are stored per model version; a fine-tune or a new quantization of the same model id gets its own. */
async function fileFingerprint(file: string) {
  return (await sha256File(file)).slice(0, 12);
}
