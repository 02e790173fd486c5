import { describe, expect, it } from "vitest";
import { parseEmail } from "./parse";

const lines = (...l: (string | Buffer)[]) => Buffer.concat(l.map((x) => Buffer.concat([typeof x === "string" ? Buffer.from(x) : x, Buffer.from("\r\n")])));

describe("the sender is found before a message is failed", () => {
  it.each([
    ["Reply-To when From has no address", ["From: Support Team", "Reply-To: Ana <ana@example.org>"], undefined, "ana@example.org", "reply-to"],
    ["Sender when From and Reply-To are missing", ["Sender: bob@example.org"], undefined, "bob@example.org", "sender"],
    ["Return-Path after those", ["From: undisclosed", "Return-Path: <cy@example.org>"], undefined, "cy@example.org", "return-path"],
    ["the SMTP envelope last", ["Subject: no headers naming anyone"], "dee@example.org", "dee@example.org", "envelope"],
    // Read leniently from From: itself, so no note of another header.
    ["RFC 822 obsolete syntax in From", ["From  : John Doe <jdoe@machine(comment).  example>"], undefined, "jdoe@machine.example", undefined],
  ])("%s", async (_name, headers, envelopeFrom, email, header) => {
    const mail = await parseEmail(lines(...headers, "Subject: help", "", "text"), { envelopeFrom });
    expect(mail.from.email).toBe(email);
    expect(mail.headers["x-deskling-sender-from"]).toBe(header);
  });

  it("From wins over the others, and keeps its display name", async () => {
    const mail = await parseEmail(lines("From: Ana <ana@example.org>", "Reply-To: other@example.org", "", "x"), { envelopeFrom: "bounce@esp.example" });
    expect(mail.from).toEqual({ email: "ana@example.org", name: "Ana" });
    expect(mail.headers["x-deskling-sender-from"]).toBeUndefined();
  });

  it("fails only when no header and no envelope names a sender", async () => {
    await expect(parseEmail(lines("Subject: nobody", "", "x"))).rejects.toThrow(/no sender address/);
  });
});

describe("unencoded 8-bit headers are decoded, not shown as mojibake", () => {
  const latin1 = (s: string) => Buffer.from(s, "latin1");
  it.each([
    ["Latin-1 with no charset anywhere", lines(Buffer.concat([latin1("From: Jürgen Frösche <j@example.org>")]), Buffer.concat([latin1("Subject: Rückerstattung für Bestellung")]), "", "x"), "Jürgen Frösche", "Rückerstattung für Bestellung"],
    ["the charset the body declares", lines("From: a@example.org", Buffer.concat([Buffer.from("Subject: "), Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd])]), "Content-Type: text/plain; charset=Shift_JIS", "", "x"), null, "こんにちは"],
    ["Windows-1251 detected", lines("From: a@example.org", Buffer.concat([Buffer.from("Subject: "), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x20, 0xec, 0xe8, 0xf0])]), "", "x"), null, "Привет мир"],
    ["UTF-8 left as it is", lines("From: Zoë <z@example.org>", "Subject: Grüße 日本", "", "x"), "Zoë", "Grüße 日本"],
  ])("%s", async (_name, raw, name, subject) => {
    const mail = await parseEmail(raw);
    expect(mail.subject).toBe(subject);
    if (name) expect(mail.from.name).toBe(name);
    expect(`${mail.subject}${mail.from.name}`).not.toMatch(/\uFFFD|ï¿½/);
  });
});
