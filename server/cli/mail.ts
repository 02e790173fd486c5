/**
 * The mail process (`tsx server/cli/mail.ts`, spawned by `npm start`): the SMTP receiver, the IMAP poller and the
 * inbound runner that turns accepted items (SMTP, REST with `Prefer: respond-async`) into tickets. Needs only
 * DATABASE_URL (or the embedded Postgres). Also finishes items a crash left stored but unprocessed.
 */
import fs from "node:fs";
import { closeDb, getDb } from "@/db/client";
import { connectDatabase } from "@/db/connect";
import { reportError } from "@/server/errors";
import { env } from "@/config/env";
import { createImapPoller, imapConfig } from "@/server/ingestion/email/imap-poller";
import { createSmtpReceiver } from "@/server/ingestion/email/smtp-receiver";
import { startInboundRunner, type InboundRunner } from "@/server/ingestion/inbound-runner";
import { processStuck } from "@/server/ingestion/pipeline";

const log = (line: string) => console.log(`[mail] ${line}`);

async function main() {
  const stopping: (() => Promise<void>)[] = [];
  let embedded: Awaited<ReturnType<typeof connectDatabase>>["embedded"];
  // Registered first, so a signal during start-up also stops whatever has started so far.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: stopping`);
    setTimeout(() => process.exit(1), 30_000).unref();
    // Receivers first, so nothing new arrives while the database closes.
    for (const stop of stopping.reverse()) await stop().catch((e: Error) => log(`stop failed: ${e.name}`));
    // Bounded: with the database down, closing its pool must not hold the shutdown.
    await Promise.race([closeDb(), new Promise((r) => setTimeout(r, 3000).unref())]);
    if (embedded?.owned) await embedded.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  const { url, embedded: started } = await connectDatabase({ log });
  embedded = started;
  const db = getDb();

  // Before the receivers: what they accept is parsed into tickets here, queued jobs from before a restart first.
  const startRunner = () => startInboundRunner({ url, concurrency: env.INGEST_CONCURRENCY, log: (l) => log(`inbound: ${l}`) });
  let inbound = await startRunner();
  stopping.push(() => inbound.stop());
  // A runner that stops by itself is started again (the receivers keep accepting meanwhile: what they store waits).
  const supervise = (runner: InboundRunner, restarts: number): void => {
    runner.failed.catch((err: Error) => {
      if (closing) return;
      const delay = Math.min(60_000, 1000 * 2 ** restarts);
      reportError(`inbound runner stopped; starting it again in ${delay / 1000} s`, err, log);
      setTimeout(() => {
        if (closing) return;
        startRunner().then(
          (next) => {
            inbound = next;
            supervise(next, restarts + 1);
          },
          (e: unknown) => supervise({ failed: Promise.reject(e), stop: async () => {} }, restarts + 1),
        );
      }, delay).unref();
    });
  };
  supervise(inbound, 0);
  log(`inbound runner: ${env.INGEST_CONCURRENCY} at a time`);

  const recovered = await processStuck(db);
  if (recovered) log(`processed ${recovered} item(s) stored before a restart`);
  const sweep = setInterval(() => void processStuck(db).catch((e: unknown) => reportError("mail sweep", e, log)), 60_000);
  stopping.push(async () => clearInterval(sweep));

  if (env.SMTP_PORT === 0) {
    log("SMTP receiver disabled (SMTP_PORT=0)");
  } else {
    if (!!env.SMTP_TLS_KEY !== !!env.SMTP_TLS_CERT) throw new Error("Set both SMTP_TLS_KEY and SMTP_TLS_CERT, or neither.");
    const receiver = createSmtpReceiver({
      db,
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      maxBytes: env.INGEST_MAX_BYTES,
      allowedDomains: env.SMTP_ALLOWED_DOMAINS?.split(",") ?? [],
      tls: env.SMTP_TLS_KEY && env.SMTP_TLS_CERT ? { key: fs.readFileSync(env.SMTP_TLS_KEY), cert: fs.readFileSync(env.SMTP_TLS_CERT) } : undefined,
      log: (l) => log(`smtp: ${l}`),
    });
    const port = await receiver.listen();
    log(
      `SMTP receiver on ${env.SMTP_HOST}:${port} (limit ${env.INGEST_MAX_BYTES} bytes, ${env.SMTP_TLS_KEY ? "STARTTLS" : "no TLS"}, ` +
        `recipients: ${env.SMTP_ALLOWED_DOMAINS ?? "any domain"})`,
    );
    stopping.push(receiver.close);
  }

  if (env.IMAP_URL) {
    const cfg = imapConfig(env.IMAP_URL);
    const mailboxes = cfg.mailbox ? [cfg.mailbox] : env.IMAP_MAILBOXES.split(",").map((m) => m.trim()).filter(Boolean);
    const poller = createImapPoller({ db, url: env.IMAP_URL, mailboxes, maxBytes: env.INGEST_MAX_BYTES, log: (l) => log(`imap: ${l}`) });
    poller.start(env.IMAP_POLL_SECONDS);
    log(`IMAP poller: ${cfg.host}:${cfg.port} ${mailboxes.join(", ")} every ${env.IMAP_POLL_SECONDS}s`);
    stopping.push(poller.stop);
  } else {
    log("IMAP poller off (IMAP_URL unset)");
  }

}

main().catch((err: Error) => {
  console.error(`[mail] ${err.message}`);
  process.exit(1);
});
