import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";
import type { Db } from "@/db/client";
import { reportError } from "@/server/errors";
import { databaseUp } from "@/server/health/database-up";
import { accept } from "../pipeline";

export interface SmtpReceiverOptions {
  db: Db;
  host: string;
  port: number;
  maxBytes: number;
  /** Recipient domains we accept mail for; empty = any (we never relay, so this only limits noise). */
  allowedDomains: string[];
  tls?: { key: Buffer | string; cert: Buffer | string };
  log?: (line: string) => void;
}

function smtpError(code: number, message: string) {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * A receive-only SMTP server that accepts like an MTA: a message within the size limit is answered 250 once its raw
 * bytes and their processing job are committed (the raw row is the queue file); parsing, threading and the ticket
 * follow in the mail process's inbound runner. A database failure answers 451 so the sending server retries.
 */
export function createSmtpReceiver(opts: SmtpReceiverOptions) {
  const log = opts.log ?? ((l: string) => console.log(`[smtp] ${l}`));
  const domains = opts.allowedDomains.map((d) => d.trim().toLowerCase()).filter(Boolean);
  const server = new SMTPServer({
    name: "deskling",
    banner: "Deskling inbound mail",
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: opts.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    logger: false,
    maxClients: 100,
    // Asked before the body is sent: while the database is down a sender is told to retry later at once,
    // without transferring (up to INGEST_MAX_BYTES of) a message we could not store.
    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      databaseUp(opts.db).then((up) => cb(up ? null : smtpError(451, "4.3.0 Temporarily unable to accept mail, try again later")));
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const domain = address.address.split("@").pop()?.toLowerCase() ?? "";
      if (domains.length && !domains.includes(domain)) return cb(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (c: Buffer) => {
        size += c.length;
        // Past the limit the rest is drained, not kept.
        if (size <= opts.maxBytes) chunks.push(c);
      });
      stream.on("error", (err) => cb(err));
      stream.on("end", () => {
        if (stream.sizeExceeded || size > opts.maxBytes) {
          log(`refused ${size}+ bytes from ${session.remoteAddress} (limit ${opts.maxBytes})`);
          return cb(smtpError(552, `5.3.4 Message too big (limit ${opts.maxBytes} bytes)`));
        }
        const mailFrom = session.envelope.mailFrom;
        accept(opts.db, {
          kind: "email",
          source: "smtp",
          bytes: Buffer.concat(chunks),
          contentType: "message/rfc822",
          meta: {
            envelopeFrom: mailFrom ? mailFrom.address : undefined,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            remoteAddress: session.remoteAddress,
            tls: session.secure,
            clientHostname: session.clientHostname,
          },
        }).then(
          (r) => cb(null, `2.0.0 Accepted as ${r.rawId} (queued)`),
          (err: unknown) => {
            // Never the error's message: the driver's quotes the insert with the whole message as a parameter.
            const r = reportError(`smtp from ${session.remoteAddress}`, err, log);
            cb(smtpError(451, `4.3.0 Temporary failure storing the message, try again later (error id ${r.id})`));
          },
        );
      });
    },
  });
  // Client socket errors (resets, TLS failures): the code says enough; the message may quote what the client sent.
  server.on("error", (err: Error & { code?: string }) => log(`connection error: ${err.code ?? err.name}`));

  return {
    server,
    /** Resolves with the bound port (useful with port 0). */
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(opts.port, opts.host, () => {
          server.off("error", reject);
          resolve(((server as unknown as { server: { address(): AddressInfo } }).server.address()).port);
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
