import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { describe, expect, inject, it } from "vitest";
import { getDb } from "@/db/client";
import { messages } from "@/db/schema";

const root = path.resolve(import.meta.dirname, "../..");

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe("mail process (server/cli/mail.ts)", () => {
  it("receives mail over SMTP and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    // As `npm start` runs it: under the tsx CLI, which relays signals to the script.
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["server/cli/mail.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), SMTP_HOST: "127.0.0.1", SMTP_PORT: String(port), IMAP_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (out.includes("SMTP receiver on")) (clearInterval(check), resolve());
        if (child.exitCode !== null) (clearInterval(check), reject(new Error(out)));
      }, 50);
    });
    const id = `<proc-${randomUUID()}@example.com>`;
    await nodemailer
      .createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true })
      .sendMail({ from: "p@example.com", to: "help@deskling.test", subject: "via process", text: "hi", messageId: id });
    // Answered 250 once stored; the process's inbound runner makes the ticket moments later.
    const deadline = Date.now() + 30_000;
    let found = 0;
    while (Date.now() < deadline && !found) {
      found = (await getDb().select().from(messages).where(eq(messages.messageIdHeader, id))).length;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBe(1);

    child.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(out).toContain("SIGTERM: stopping");
  });
});
