import { eq, sql } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import type { Db } from "@/db/client";
import { reportError } from "@/server/errors";
import { imapState, rawInbound } from "@/db/schema";
import { processRaw, storeRaw } from "../pipeline";

export interface ImapPollerOptions {
  db: Db;
  /** imap://user:pass@host:143 or imaps://user:pass@host:993 */
  url: string;
  mailboxes: string[];
  maxBytes: number;
  log?: (line: string) => void;
}

export function imapConfig(url: string) {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  if (!secure && u.protocol !== "imap:") throw new Error(`IMAP_URL must start with imap:// or imaps:// (got ${u.protocol})`);
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 993 : 143)),
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    /** A mailbox named in the URL path (imaps://…/INBOX); null when none. */
    mailbox: decodeURIComponent(u.pathname.replace(/^\/+/, "")) || null,
  };
}

/**
 * Reads new mail from IMAP mailboxes without changing them (no flags, no deletes): progress is the last UID
 * stored per mailbox, valid while the server's UIDVALIDITY stays the same. Each message is stored raw and its
 * UID recorded in one transaction, so a crash can neither skip a message nor store it twice; a renumbered
 * mailbox (new UIDVALIDITY) is read again from the start, and Message-ID dedupe absorbs the repeats.
 */
export function createImapPoller(opts: ImapPollerOptions) {
  const cfg = imapConfig(opts.url);
  const log = opts.log ?? ((l: string) => console.log(`[imap] ${l}`));
  const { db } = opts;

  async function pollMailbox(client: ImapFlow, mailbox: string) {
    const key = `imap://${cfg.user}@${cfg.host}:${cfg.port}/${mailbox}`;
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    let stored = 0;
    try {
      const box = client.mailbox;
      if (!box) throw new Error(`mailbox ${mailbox} did not open`);
      const validity = box.uidValidity.toString();
      const [state] = await db.select().from(imapState).where(eq(imapState.mailbox, key));
      let lastUid = state?.uidValidity === validity ? state.lastUid : 0;
      if (state && state.uidValidity !== validity) log(`${mailbox}: UIDVALIDITY changed ${state.uidValidity} → ${validity}; reading it again`);
      if (box.exists === 0 || box.uidNext <= lastUid + 1) return 0;

      // Sizes first, so an oversized message is recorded as refused without downloading it.
      const pending: { uid: number; size: number }[] = [];
      for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
        // "n:*" always includes the highest UID, even when it is below n.
        if (m.uid > lastUid) pending.push({ uid: m.uid, size: m.size ?? 0 });
      }
      pending.sort((a, b) => a.uid - b.uid);
      for (const { uid, size } of pending) {
        let bytes: Buffer = Buffer.alloc(0);
        if (size <= opts.maxBytes) {
          const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!msg || !msg.source) throw new Error(`UID ${uid} vanished while reading ${mailbox}`);
          bytes = msg.source;
        }
        const row = await db.transaction(async (tx) => {
          const { row, repeated } = await storeRaw(tx, {
            kind: "email",
            source: `imap:${mailbox}`,
            bytes,
            contentType: "message/rfc822",
            meta: { mailbox: key, uidValidity: validity, uid, size },
            dedupeKey: `${key}:${validity}:${uid}`,
          });
          if (size > opts.maxBytes && !repeated) {
            await tx
              .update(rawInbound)
              .set({ status: "failed", error: `message of ${size} bytes is over the ${opts.maxBytes}-byte limit; left on the IMAP server (UID ${uid})` })
              .where(eq(rawInbound.id, row.id));
          }
          await tx
            .insert(imapState)
            .values({ mailbox: key, uidValidity: validity, lastUid: uid })
            .onConflictDoUpdate({ target: imapState.mailbox, set: { uidValidity: validity, lastUid: uid, updatedAt: sql`now()` } });
          return repeated || size > opts.maxBytes ? null : row;
        });
        lastUid = uid;
        if (row) {
          await processRaw(db, row);
          stored++;
        }
      }
    } finally {
      lock.release();
    }
    return stored;
  }

  async function pollOnce() {
    const client = new ImapFlow({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.secure,
      auth: { user: cfg.user, pass: cfg.pass },
      logger: false,
      // Plain imap:// to a non-local server would send the password in clear; STARTTLS is used when offered.
      doSTARTTLS: cfg.secure ? undefined : ["127.0.0.1", "localhost", "::1"].includes(cfg.host) ? undefined : true,
    });
    client.on("error", (err: Error & { code?: string }) => log(`connection error: ${err.code ?? err.name}`));
    await client.connect();
    let total = 0;
    try {
      for (const mailbox of opts.mailboxes) total += await pollMailbox(client, mailbox);
    } finally {
      await client.logout().catch(() => client.close());
    }
    return total;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  return {
    pollOnce,
    /** Polls now and then every `seconds`; a failed poll is logged and retried at the next tick. */
    start(seconds: number) {
      const tick = async () => {
        if (stopped) return;
        running = pollOnce().then(
          (n) => n && log(`stored ${n} new message(s)`),
          // By kind and id only: a failed insert's message quotes the whole e-mail.
          (err: unknown) => void reportError("imap poll", err, log),
        );
        await running;
        if (!stopped) timer = setTimeout(tick, seconds * 1000);
      };
      void tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
