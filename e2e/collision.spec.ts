import { randomUUID } from "node:crypto";
import { apiSignIn, DEMO, DEMO_PASSWORD, expect, pressUntil, screenshot, test, trpcMutation, uniqueEmail } from "./fixtures";

/** A second agent of the demo seed (Alex Agent is DEMO.agent). */
const BEA = { email: "billing@deskling.local", name: "Bea Billing" };

test("two agents on one ticket see each other viewing and typing; a newer customer message makes the send ask first", async ({ page, browser, request, signInAs }) => {
  await signInAs("agent");
  const customer = uniqueEmail("collide");
  const subject = `Wrong size delivered ${randomUUID().slice(0, 6)}`;
  const { ticketId } = await trpcMutation<{ ticketId: string }>(page.request, "tickets.create", {
    customerEmail: customer,
    customerName: "Grace Hopper",
    subject,
    text: "I ordered a medium jacket and received a small one. Can I exchange it?",
  });

  const bea = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    expect(await apiSignIn(bea.request, BEA.email, DEMO_PASSWORD)).toBeNull();
    const beaPage = await bea.newPage();
    await page.goto(`/tickets/${ticketId}`);
    await beaPage.goto(`/tickets/${ticketId}`);

    const alexSees = page.getByTestId("presence");
    await expect(alexSees).toHaveText(`${BEA.name} is viewing`);
    await expect(beaPage.getByTestId("presence")).toHaveText("Alex Agent is viewing");

    await beaPage.getByRole("textbox", { name: "Reply" }).pressSequentially("Hi Grace, sure");
    await expect(alexSees).toHaveText(`${BEA.name} is typing a reply`);
    await screenshot(page, "collision-typing");

    // Bea leaves for the inbox: gone from Alex's page at once, not after the heartbeat's TTL.
    await beaPage.getByRole("link", { name: "← Inbox" }).click();
    await expect(alexSees).toHaveText("");
    // She comes back and closes the tab: the goodbye sent on pagehide may not make it out of a closing page, and
    // then the 30-second TTL drops her (Alex's page rechecks every 15 s).
    await beaPage.goBack();
    await expect(alexSees).toHaveText(`${BEA.name} is viewing`);
    await beaPage.close({ runBeforeUnload: true });
    await expect(alexSees).toHaveText("", { timeout: 60_000 });
  } finally {
    await bea.close();
  }

  // Alex starts a reply; meanwhile the customer writes again (through the REST API, as an integration would).
  const reply = page.getByRole("textbox", { name: "Reply" });
  await reply.fill("Hi Grace, please send the small one back and we will ship a medium.");
  expect(await apiSignIn(request, DEMO.admin, DEMO_PASSWORD)).toBeNull();
  const { key } = await trpcMutation<{ key: string }>(request, "ingest.createApiKey", { name: `collision ${randomUUID().slice(0, 6)}`, scopes: ["tickets:write"] });
  const added = await request.post(`/api/v1/tickets/${ticketId}/messages`, {
    headers: { authorization: `Bearer ${key}` },
    data: { text: "Actually, could you refund me instead of exchanging?" },
  });
  expect(added.status()).toBe(201);
  // Live: the new message joins the thread without a reload.
  await expect(page.getByText("Actually, could you refund me instead of exchanging?")).toBeVisible();

  await page.getByRole("button", { name: "Send reply" }).click();
  const ask = page.getByRole("dialog", { name: "The customer wrote again" });
  await expect(ask).toBeVisible();
  await expect(ask.getByTestId("newer-message")).toHaveText("Actually, could you refund me instead of exchanging?");
  await screenshot(page, "send-guard");
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("message-outbound")).toHaveCount(0);

  // Having read it, the agent rewrites and sends: no second question, the reply goes.
  await reply.fill("Hi Grace, of course: send the jacket back and we will refund you.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByTestId("message-outbound")).toHaveCount(1);
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("snooze by keyboard: the ticket leaves open work until its time, shows in Snoozed, and wakes on request", async ({ page, signInAs }) => {
  await signInAs("agent");
  const tag = `snz${randomUUID().slice(0, 8)}`;
  const { ticketId } = await trpcMutation<{ ticketId: string }>(page.request, "tickets.create", {
    customerEmail: uniqueEmail("snooze"),
    subject: `Waiting for the courier ${tag}`,
    text: "The courier will call me tomorrow; I will tell you how it went.",
  });
  await page.goto(`/tickets/${ticketId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(tag);
  const dialog = page.getByRole("dialog", { name: "Snooze until" });
  await pressUntil(page, ["s"], () => expect(dialog).toBeVisible({ timeout: 1000 }));
  await expect(dialog.getByRole("button", { name: "In 1 hour" })).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Tomorrow, 9:00" })).toBeFocused();
  await screenshot(page, "snooze-dialog");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("snoozed")).toContainText("Snoozed until");

  // Open work (newest first, where a new ticket would be on top) no longer lists it; the Snoozed view does.
  const row = page.getByTestId("ticket-row").filter({ hasText: tag });
  await page.goto("/tickets");
  await expect(page.getByTestId("ticket-row").first()).toBeVisible();
  await expect(row).toHaveCount(0);
  await page.goto("/tickets?view=snoozed");
  await expect(row).toHaveCount(1);
  await screenshot(page, "inbox-snoozed");

  await page.goto(`/tickets/${ticketId}`);
  await page.getByRole("button", { name: "Wake now" }).focus();
  await pressUntil(page, ["Enter"], () => expect(page.getByRole("button", { name: "Snooze" })).toBeVisible({ timeout: 1000 }));
  await page.goto("/tickets");
  await expect(row).toHaveCount(1);
});
