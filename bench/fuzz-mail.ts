/**
 * `npm run bench:fuzz-mail`: FUZZ_MESSAGES (default 10,000) generated messages through the real path, ingest()
 * (store raw → parse → loop rules → receiveMessage), on a fresh database. The generator (fast-check, fixed seed
 * FUZZ_SEED) mixes well-formed parts with what real inboxes get: missing or obsolete From, senders only in
 * Reply-To / Sender / Return-Path / the envelope, unencoded 8-bit headers in several charsets, broken encoded-words,
 * deep or unterminated multiparts, bad transfer encodings, NUL bytes and truncation.
 * Prints JSON. crashes: ingest threw; lost: no raw row with the same bytes, or not settled, or a processed row
 * without its message; failedWithSender: failed although a header or the envelope named a sender. Goals: all 0.
 */
import { performance } from "node:perf_hooks";
import { eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { messages, rawInbound } from "@/db/schema";
import { ingest } from "@/server/ingestion/pipeline";
import { benchDatabase } from "./support/database";

const N = Number(process.env.FUZZ_MESSAGES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 16);

const enc = (s: string, charset: string) =>
  charset === "utf-8" ? Buffer.from(s, "utf8") : charset === "latin1" ? Buffer.from(s, "latin1") : Buffer.from(s, "binary");
const word = fc.constantFrom("Frösche", "Grüße", "Réponse à", "Zoë", "naïve café", "Ærø", "order", "refund", "Hilfe", "help");
const cjk = fc.constantFrom(Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]), Buffer.from([0xa4, 0xb3, 0xa4, 0xf3]));
const text8 = fc.oneof(
  word.map((w) => enc(w, "latin1")),
  word.map((w) => enc(w, "utf-8")),
  cjk,
  fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 30 }).map((s) => Buffer.from(s)),
  fc.constantFrom("=?utf-8?B?w6k=?=", "=?iso-8859-1?Q?R=E9clamation?=", "=?NONE?B?VEVTVA=?=", "=?utf-8?Q?broken", "=?").map((s) => Buffer.from(s)),
);
const addr = fc.oneof(
  fc.constantFrom("ana@example.org", "Bob <bob@example.org>", '"Cy, Dee" <cy@example.org>', "jdoe@machine(comment).  example", "<>", "undisclosed-recipients:;", "a@b", "@nope", "x@@y.z", "MAILER-DAEMON"),
  fc.tuple(text8, fc.constantFrom("ana@example.org", "zoe@example.net")).map(([n, a]) => Buffer.concat([n, Buffer.from(` <${a}>`)])),
);

interface Generated {
  bytes: Buffer;
  envelopeFrom?: string;
  /** A parseable address is somewhere (a header other than From, or the envelope). */
  hasSender: boolean;
}

const header = (name: string) => (v: Buffer | string) => Buffer.concat([Buffer.from(`${name}: `), Buffer.from(v), Buffer.from("\r\n")]);
const goodAddress = /(^|<|\s)[a-z]+@example\.(org|net)/;

const part = fc.letrec<{ part: Buffer }>((tie) => ({
  part: fc.oneof(
    { depthSize: "small" },
    fc.tuple(fc.constantFrom("text/plain", "text/html", "application/pdf", "message/delivery-status", "text/plain; charset=x-made-up"), fc.constantFrom("7bit", "8bit", "base64", "quoted-printable", "x-uuencode"), text8).map(
      ([ct, cte, body]) => Buffer.concat([Buffer.from(`Content-Type: ${ct}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`), body, Buffer.from("\r\n")]),
    ),
    fc.tuple(fc.array(tie("part"), { maxLength: 3 }), fc.boolean()).map(([parts, closed]) =>
      Buffer.concat([
        Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n'),
        ...parts.flatMap((p) => [Buffer.from("--b\r\n"), p]),
        Buffer.from(closed ? "--b--\r\n" : ""),
      ]),
    ),
  ),
})).part;

const message: fc.Arbitrary<Generated> = fc
  .record({
    from: fc.option(addr),
    replyTo: fc.option(addr),
    sender: fc.option(addr),
    returnPath: fc.option(addr),
    envelope: fc.option(fc.constantFrom("env@example.org", "", "bad envelope")),
    subject: fc.option(text8),
    extra: fc.array(fc.constantFrom("Auto-Submitted: auto-replied", "Precedence: bulk", "X-Autoreply: yes", "Message-ID: <fixed@example.org>", "Date: yesterday", "MIME-Version: 1.0"), { maxLength: 2 }),
    body: part,
    cut: fc.option(fc.nat()),
    flip: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
  })
  .map((m) => {
    const head = Buffer.concat([
      ...(m.from ? [header("From")(m.from)] : []),
      ...(m.replyTo ? [header("Reply-To")(m.replyTo)] : []),
      ...(m.sender ? [header("Sender")(m.sender)] : []),
      ...(m.returnPath ? [header("Return-Path")(m.returnPath)] : []),
      ...(m.subject ? [header("Subject")(m.subject)] : []),
      ...m.extra.map((e) => Buffer.from(`${e}\r\n`)),
    ]);
    let bytes = Buffer.concat([head, m.body]);
    if (m.cut !== null && bytes.length) bytes = bytes.subarray(0, m.cut % bytes.length);
    if (m.flip && bytes.length) bytes[m.flip[0] % bytes.length] = m.flip[1];
    const mutated = m.cut !== null || m.flip !== null;
    const named = [m.replyTo, m.sender, m.returnPath].some((a) => a && goodAddress.test(a.toString("latin1")));
    return { bytes, envelopeFrom: m.envelope ?? undefined, hasSender: !mutated && (named || m.envelope === "env@example.org") };
  });

async function main() {
  const { db, stop } = await benchDatabase("deskling_fuzz");
  const samples = fc.sample(message, { numRuns: N, seed: SEED });
  const result = {
    benchmark: "fuzz-mail",
    messages: N,
    seed: SEED,
    crashes: 0,
    lost: 0,
    failedWithSender: 0,
    statuses: {} as Record<string, number>,
    subjectsWithReplacementChar: 0,
    seconds: 0,
    examples: { crashes: [] as string[], lost: [] as string[], failedWithSender: [] as string[] },
  };
  const t0 = performance.now();
  const processed: string[] = [];
  for (const [i, s] of samples.entries()) {
    let r: Awaited<ReturnType<typeof ingest>>;
    try {
      r = await ingest(db, { kind: "email", source: "fuzz", bytes: s.bytes, meta: { envelopeFrom: s.envelopeFrom } });
    } catch (err) {
      result.crashes++;
      if (result.examples.crashes.length < 5) result.examples.crashes.push(`#${i}: ${(err as Error).message}`);
      continue;
    }
    result.statuses[r.status] = (result.statuses[r.status] ?? 0) + 1;
    const [row] = await db.select({ bytes: rawInbound.bytes, status: rawInbound.status, error: rawInbound.error }).from(rawInbound).where(eq(rawInbound.id, r.rawId));
    if (!row || !row.bytes.equals(s.bytes) || row.status === "received" || (row.status === "failed" && !row.error)) {
      result.lost++;
      if (result.examples.lost.length < 5) result.examples.lost.push(`#${i}: ${row ? row.status : "no raw row"}`);
    }
    if (r.status === "processed" && r.messageId) processed.push(r.messageId);
    if (r.status === "failed" && s.hasSender) {
      result.failedWithSender++;
      if (result.examples.failedWithSender.length < 5) result.examples.failedWithSender.push(`#${i}: ${r.reason} :: ${JSON.stringify(s.bytes.subarray(0, 300).toString("latin1"))}`);
    }
  }
  result.seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  for (let i = 0; i < processed.length; i += 1000) {
    const ids = processed.slice(i, i + 1000);
    const found = await db.select({ id: messages.id }).from(messages).where(inArray(messages.id, ids));
    result.lost += ids.length - found.length;
  }
  const subjects = await db.execute<{ n: number }>(`select count(*)::int as n from tickets where subject like '%' || chr(65533) || '%'` as never);
  result.subjectsWithReplacementChar = subjects[0]!.n;
  console.log(JSON.stringify(result, null, 2));
  await stop();
  if (result.crashes || result.lost) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
