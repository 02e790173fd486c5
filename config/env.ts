import os from "node:os";
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

/**
 * The only reader of process.env. Imported by next.config.ts, so a bad config fails at boot.
 * Every variable is documented in .env.example.
 */
export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    // When unset, Deskling starts (or reuses) an embedded Postgres in DESKLING_DATA_DIR.
    DATABASE_URL: z.url().optional(),
    DESKLING_DATA_DIR: z.string().default(".data"),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    // Interface the web server listens on: loopback unless told otherwise (put a TLS proxy in front, or set 0.0.0.0).
    HOST: z.string().default("127.0.0.1"),
    // Seconds a new database connection may take before requests fail with 503 (SMTP 451) instead of hanging.
    DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().min(0.5).max(60).default(3),
    // How often `npm start` restarts an embedded Postgres that stopped (back-off 1, 2, 4… s) before it gives up.
    DB_MAX_RESTARTS: z.coerce.number().int().min(0).default(5),
    NEXTAUTH_URL: z.url().optional(),
    // Required by the web server; `npm start` generates one into the data folder when unset.
    NEXTAUTH_SECRET: z.string().min(32).optional(),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
    DEMO_SEED: bool.default(true),
    // How many of the bundled demo tickets to seed (all by default).
    DEMO_TICKETS: z.coerce.number().int().min(0).optional(),

    SLM_MODEL: z.string().default("smollm2-135m-instruct"),
    SLM_LORA: z.string().optional(),
    SLM_GPU: z.enum(["auto", "cuda", "vulkan", "metal", "false"]).default("auto"),
    // All cores for a dedicated worker. `npm start`, which shares the machine with Postgres and the web server, gives
    // its worker one core fewer: llama.cpp threads spin-wait on each other, and on 2 busy cores 2 threads generated
    // 1.4 tokens/s where 1 thread generated 27 (same model, same minute).
    SLM_THREADS: z.coerce.number().int().min(1).default(os.availableParallelism()),
    SLM_SEQUENCES: z.coerce.number().int().min(1).max(64).default(2),
    SLM_CONTEXT_SIZE: z.coerce.number().int().min(512).default(4096),
    SLM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
    // Let the learner (classifier on verified examples) narrow the triage categories and supply examples.
    SLM_TRIAGE_HINTS: bool.default(true),
    // "retrieval": the draft is the nearest sent reply that passes the checks, and the SLM writes one only when none
    // does (measured better on held-out bitext, see README); "slm": the SLM always writes, grounded on those replies.
    TRIAGE_DRAFT_SOURCE: z.enum(["retrieval", "slm"]).default("retrieval"),
    // Shadow mode: a fine-tune that passes the gate first runs unseen on this share of live tickets (0 = promote at
    // once), as low-priority jobs after each live triage; an admin promotes it from the comparison.
    SLM_SHADOW_SAMPLE: z.coerce.number().min(0).max(1).default(0),
    // Distillation: a bigger catalog model (e.g. an `hf:` model on a GPU server) that writes drafts for tickets no
    // agent has answered yet, as training examples for the small one. Unset: no distillation.
    SLM_TEACHER_MODEL: z.string().optional(),
    EMBED_MODEL: z.string().default("all-minilm-l6-v2"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).optional(),

    SMTP_HOST: z.string().default("127.0.0.1"),
    SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
    SMTP_ALLOWED_DOMAINS: z.string().optional(),
    SMTP_TLS_KEY: z.string().optional(),
    SMTP_TLS_CERT: z.string().optional(),
    SMTP_RELAY_URL: z.string().optional(),
    MAIL_FROM: z.string().default("Support <support@deskling.local>"),
    IMAP_URL: z.string().optional(),
    IMAP_POLL_SECONDS: z.coerce.number().int().min(5).default(60),
    INGEST_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
    // Request bodies of tRPC calls and REST JSON updates (ticket text is capped at 50,000 characters).
    JSON_MAX_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    // A history file uploaded at Admin → Learning (the one large tRPC call; only an admin's session may send it).
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
    // Request bodies of /api/auth (a sign-in form is a few hundred bytes).
    AUTH_MAX_BYTES: z.coerce.number().int().min(1024).default(16 * 1024),
    // Attachments stored per inbound email beyond which the rest stay only in the raw message.
    INGEST_MAX_ATTACHMENTS: z.coerce.number().int().min(0).default(20),
    // Accepted items the mail process parses into tickets at once (its inbound runner; no model involved).
    INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    // Comma-separated mailboxes the IMAP poller reads (IMAP_URL gives server and credentials).
    IMAP_MAILBOXES: z.string().default("INBOX"),

    // Cost comparison on the analytics page (USD). Defaults are public list prices as published in June 2026, looked
    // up on 2026-11-27 through price summaries (no live price page was reachable from here): server: AWS EC2
    // m7g.large (2 vCPU, 8 GB) on demand, Linux, us-east-1, $0.0816 an hour; cloud: OpenAI gpt-4o-mini standard tier,
    // $0.15 per million input and $0.60 per million output tokens (openai.com/api/pricing). Set your own.
    ANALYTICS_SERVER_COST_PER_HOUR: z.coerce.number().min(0).default(0.0816),
    ANALYTICS_CLOUD_MODEL: z.string().default("OpenAI gpt-4o-mini"),
    ANALYTICS_CLOUD_INPUT_PER_1K: z.coerce.number().min(0).default(0.00015),
    ANALYTICS_CLOUD_OUTPUT_PER_1K: z.coerce.number().min(0).default(0.0006),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
});

export type Env = typeof env;
