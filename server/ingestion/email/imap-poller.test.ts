import { randomUUID } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { imapState, messages, rawInbound } from "@/db/schema";
import { ensureDovecot, startDovecot } from "@/test/email/dovecot-fixture";
import { createImapPoller } from "./imap-poller";

const skip = ensureDovecot();
if (skip) console.warn(`\n!!!!!!!!\n!!! SKIPPING the IMAP tests: ${skip}\n!!!!!!!!\n`);

const db = getDb();
let dovecot: Awaited<ReturnType<typeof startDovecot>>;
let client: ImapFlow;

const mail = (id: string, subject: string, extra = "") =>
  `From: Eve <eve-${id}@example.com>\r\nTo: support@deskling.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.com>\r\n\r\nHello ${id}\r\n${extra}`;

describe.skipIf(!!skip)("IMAP poller against a throwaway dovecot on 127.0.0.1", () => {
  beforeAll(async () => {
    dovecot = await startDovecot();
    client = new ImapFlow({ host: "127.0.0.1", port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
    await client.connect();
    await client.mailboxCreate("Support");
  });
  afterAll(async () => {
    await client?.logout();
    await dovecot?.stop();
  });

  const poller = () => createImapPoller({ db, url: dovecot.url, mailboxes: ["INBOX", "Support"], maxBytes: 4096, log: () => {} });
  const rowsFrom = (mailbox: string) => db.select().from(rawInbound).where(like(rawInbound.source, `imap:${mailbox}`));

  it("stores each new message once, across polls and mailboxes, in UID order", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await client.append("INBOX", mail(ids[0]!, "First"));
    await client.append("INBOX", mail(ids[1]!, "Second"));
    await client.append("Support", mail(ids[2]!, "Third"));
    expect(await poller().pollOnce()).toBe(3);
    expect(await poller().pollOnce()).toBe(0);
    expect((await rowsFrom("INBOX")).map((r) => r.status)).toEqual(["processed", "processed"]);
    for (const id of ids) expect(await db.select().from(messages).where(eq(messages.messageIdHeader, `<${id}@example.com>`))).toHaveLength(1);

    const late = randomUUID();
    await client.append("INBOX", mail(late, "Fourth"));
    expect(await poller().pollOnce()).toBe(1);
    expect((await rowsFrom("INBOX")).length).toBe(3);
  });

  it("records an oversized message as failed with the reason, and still reads the one after it", async () => {
    const big = randomUUID();
    const after = randomUUID();
    await client.append("INBOX", mail(big, "Huge", "x".repeat(8000)));
    await client.append("INBOX", mail(after, "After the huge one"));
    expect(await poller().pollOnce()).toBe(1);
    const rows = await rowsFrom("INBOX");
    const failed = rows.filter((r) => r.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/over the 4096-byte limit/);
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, `<${after}@example.com>`))).toHaveLength(1);
  });

  it("reads a renumbered mailbox (new UIDVALIDITY) again without a second copy of any message", async () => {
    const [before] = await db.select().from(imapState).where(like(imapState.mailbox, "%/Support"));
    expect(before!.lastUid).toBe(1);
    const repeated = (await rowsFrom("Support"))[0]!;
    const again = repeated.bytes.toString();
    await client.mailboxDelete("Support");
    await client.mailboxCreate("Support");
    const fresh = randomUUID();
    await client.append("Support", again);
    await client.append("Support", mail(fresh, "New after renumbering"));

    expect(await poller().pollOnce()).toBe(2);
    const [state] = await db.select().from(imapState).where(like(imapState.mailbox, "%/Support"));
    expect(state!.uidValidity).not.toBe(before!.uidValidity);
    expect(state!.lastUid).toBe(2);
    const statuses = (await rowsFrom("Support")).map((r) => r.status).sort();
    expect(statuses).toEqual(["duplicate", "processed", "processed"]);
    const id = /Message-ID: (<[^>]+>)/.exec(again)![1]!;
    expect(await db.select().from(messages).where(eq(messages.messageIdHeader, id))).toHaveLength(1);
  });
});
