import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * A local SMTP server that keeps what it is sent: the relay in tests and the benchmark. `reject` makes it
 * answer RCPT with that code, to exercise temporary (4xx) and permanent (5xx) delivery failures.
 */
export async function startSmtpSink(opts: { reject?: { code: number; message: string } } = {}) {
  const received: { from: string; to: string[]; raw: Buffer }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (opts.reject) return cb(Object.assign(new Error(opts.reject.message), { responseCode: opts.reject.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(((server as unknown as { server: { address(): AddressInfo } }).server.address()).port)),
  );
  return { port, url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
