/**
 * Malformed and hostile MIME, each the kind of thing real inboxes receive: every one must be stored raw, and
 * either become a message or land in the failed/ignored list with a reason — never crash the receiver.
 */
const CRLF = "\r\n";
const msg = (headers: string[], body: string) => headers.join(CRLF) + CRLF + CRLF + body;
const deep = (n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += `Content-Type: multipart/mixed; boundary="b${i}"${CRLF}${CRLF}--b${i}${CRLF}`;
  return s + `Content-Type: text/plain${CRLF}${CRLF}bottom${CRLF}`;
};

export const hostileCorpus: { name: string; raw: Buffer; expectText?: string }[] = [
  { name: "no headers at all", raw: Buffer.from("just a body, no headers\r\n") },
  { name: "headers and no body", raw: Buffer.from("From: a@example.com\r\nSubject: nothing after") },
  { name: "empty", raw: Buffer.from("") },
  {
    name: "multipart whose boundary never appears",
    raw: Buffer.from(msg(["From: a@example.com", "Subject: lost boundary", 'Content-Type: multipart/mixed; boundary="nope"'], "text with no parts\r\n")),
  },
  { name: "multipart nested 300 deep", raw: Buffer.from(`From: a@example.com${CRLF}Subject: deep${CRLF}${deep(300)}`) },
  {
    name: "unknown charset with 8-bit bytes",
    raw: Buffer.concat([
      Buffer.from(msg(["From: a@example.com", "Subject: charset", "Content-Type: text/plain; charset=x-made-up", "Content-Transfer-Encoding: 8bit"], "")),
      Buffer.from([0xff, 0xfe, 0x80, 0x41, 0x0d, 0x0a]),
    ]),
  },
  {
    name: "ISO-8859-1 body",
    raw: Buffer.concat([
      Buffer.from(msg(["From: a@example.com", "Subject: =?ISO-8859-1?Q?R=E9clamation?=", "Content-Type: text/plain; charset=ISO-8859-1", "Content-Transfer-Encoding: 8bit"], "")),
      Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x66, 0x72, 0x6f, 0x69, 0x64, 0x0d, 0x0a]),
    ]),
    expectText: "Café froid",
  },
  {
    name: "Shift_JIS body",
    raw: Buffer.concat([
      Buffer.from(msg(["From: a@example.com", "Subject: sjis", "Content-Type: text/plain; charset=Shift_JIS", "Content-Transfer-Encoding: 8bit"], "")),
      Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd, 0x0d, 0x0a]),
    ]),
    expectText: "こんにちは",
  },
  {
    name: "base64 garbage attachment",
    raw: Buffer.from(
      msg(
        ["From: a@example.com", "Subject: b64", 'Content-Type: multipart/mixed; boundary="x"'],
        '--x\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--x\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!not base64@@@@====\r\n--x--\r\n',
      ),
    ),
  },
  { name: "broken quoted-printable", raw: Buffer.from(msg(["From: a@example.com", "Subject: qp", "Content-Transfer-Encoding: quoted-printable"], "bad =ZZ escape =\r\n=\r\n")) },
  { name: "100 KB header line", raw: Buffer.from(msg(["From: a@example.com", `X-Long: ${"a".repeat(100_000)}`, "Subject: long"], "body")) },
  {
    name: "5000 headers",
    raw: Buffer.from(msg(["From: a@example.com", "Subject: many", ...Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`)], "body")),
  },
  { name: "NUL bytes and invalid UTF-8", raw: Buffer.from("From: a\u0000b@example.com\r\nSubject: nul\u0000here\r\n\r\nbody \u0000 with nul \udc00\r\n") },
  { name: "malformed encoded-word subject", raw: Buffer.from(msg(["From: a@example.com", "Subject: =?utf-8?B?!!!***?= =?bogus?Q?x?="], "body")) },
  {
    name: "script and event handlers in HTML",
    raw: Buffer.from(
      msg(
        ["From: a@example.com", "Subject: xss", "Content-Type: text/html"],
        '<p onclick="steal()">Hi<script>alert(1)</script><img src="https://track.example/p.gif" onerror="x()"><iframe src="javascript:alert(1)"></iframe></p>',
      ),
    ),
    expectText: "Hi",
  },
  { name: "garbage From header", raw: Buffer.from(msg(["From: <<<@@>>> ,,, ;;;", "Subject: who"], "body")) },
  { name: "empty and absurd Message-ID", raw: Buffer.from(msg(["From: a@example.com", "Message-ID: <>", `In-Reply-To: <${"x".repeat(5000)}@y>`, "Subject: ids"], "body")) },
  {
    name: "delivery status notification",
    raw: Buffer.from(
      msg(
        ["From: MAILER-DAEMON@example.com", "Subject: Undelivered", 'Content-Type: multipart/report; report-type=delivery-status; boundary="r"'],
        "--r\r\nContent-Type: text/plain\r\n\r\nCould not deliver\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n",
      ),
    ),
  },
  {
    name: "uuencoded body",
    raw: Buffer.from(msg(["From: a@example.com", "Subject: uu", "Content-Transfer-Encoding: x-uuencode"], "begin 644 a.txt\r\n#86)C\r\n`\r\nend\r\n")),
  },
  {
    name: "HTML nested 20000 deep",
    raw: Buffer.from(msg(["From: a@example.com", "Subject: html deep", "Content-Type: text/html"], "<div>".repeat(20_000) + "deep" + "</div>".repeat(20_000))),
  },
  {
    name: "attached message/rfc822 that is itself broken",
    raw: Buffer.from(
      msg(
        ["From: a@example.com", "Subject: fwd", 'Content-Type: multipart/mixed; boundary="m"'],
        "--m\r\nContent-Type: text/plain\r\n\r\nforwarding\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: <<\r\nContent-Type: multipart/alternative; boundary=\r\n\r\n--\r\n--m--\r\n",
      ),
    ),
  },
  { name: "lone dot lines (SMTP dot-stuffing)", raw: Buffer.from(msg(["From: a@example.com", "Subject: dots"], ".\r\n..\r\n.leading dot\r\n")) },
];
