import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { expect, screenshot, test } from "./fixtures";

const smtp = () => nodemailer.createTransport({ host: "127.0.0.1", port: Number(process.env.E2E_SMTP_PORT ?? 2525), secure: false, ignoreTLS: true });

test("machine mail is listed as ignored with its sender and reason; live mail shows its queue place; the queue page shows the backlog", async ({ page, signInAs }) => {
  const tag = randomUUID().slice(0, 8);
  // A delivery report from a daemon without a domain, and a person writing in.
  await smtp().sendMail({
    envelope: { from: "", to: ["help@deskling.test"] },
    raw: `From: Mail Delivery Subsystem <MAILER-DAEMON>\r\nTo: help@deskling.test\r\nSubject: Returned mail ${tag}\r\nMessage-ID: <b-${tag}@mx.example>\r\n\r\nUser unknown\r\n`,
  });
  await smtp().sendMail({ from: `Zoë Frösche <zoe-${tag}@example.com>`, to: "help@deskling.test", subject: `Broken zipper ${tag}`, text: "The zipper broke on day one." });

  await signInAs("admin");
  await page.goto("/admin/ingest");
  await page.getByRole("button", { name: /^Ignored/ }).click();
  const row = page.getByTestId("inbound-row").filter({ hasText: `Returned mail ${tag}` });
  await expect(row).toContainText("MAILER-DAEMON");
  await expect(row).toContainText("[null-envelope-sender]");
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, "admin-inbound");

  await page.goto("/admin/queue");
  await expect(page.getByRole("heading", { name: "Queue", level: 1 })).toBeVisible();
  await expect(page.getByTestId("queue-depth-row").first()).toBeVisible();
  await screenshot(page, "admin-queue");

  await page.goto(`/tickets?q=${tag}`);
  await page.getByRole("link", { name: `Broken zipper ${tag}` }).click();
  // Queued behind the demo's backlog, or (if a worker was free) already being triaged.
  await expect(page.getByTestId("queue-place").or(page.getByText(/Triaging…|Triaged|Needs human triage/))).toBeVisible();
  await screenshot(page, "ticket-queue-place");
});
