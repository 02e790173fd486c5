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
    // Attachments stored per inbound email beyond which the rest stay only in the raw message.
    INGEST_MAX_ATTACHMENTS: z.coerce.number().int().min(0).default(20),
    // Comma-separated mailboxes the IMAP poller reads (IMAP_URL gives server and credentials).
    IMAP_MAILBOXES: z.string().default("INBOX"),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
});

export type Env = typeof env;
