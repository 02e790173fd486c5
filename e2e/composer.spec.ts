import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { apiSignIn, DEMO, DEMO_PASSWORD, expect, screenshot, test } from "./fixtures";

/** A fresh ticket through the New ticket form; returns its page URL. */
async function newTicket(page: Page, subject: string) {
  await page.goto("/tickets/new");
  await page.getByLabel("Customer email").fill(`c-${randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Customer name").fill("Ann Lee");
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Message from the customer").fill("My blender stopped working after a week.");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("textbox", { name: "Reply" })).toBeVisible();
  return page.url();
}

test("a macro goes into the reply with the customer's and ticket's values, is sent, and counts a use", async ({ page, signInAs }) => {
  await signInAs("admin");
  const name = `Blender ${randomUUID().slice(0, 6)}`;
  await page.goto("/admin/macros");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Reply").fill("Hi {{customer.first_name}}, about ticket #{{ticket.number}} ({{ticket.subject}}): a replacement is on its way. {{agent.first_name}}");
  await page.getByRole("button", { name: "Add macro" }).click();
  const row = page.getByTestId("macro-row").filter({ hasText: name });
  await expect(row).toContainText("0");

  const subject = `Broken blender ${randomUUID().slice(0, 6)}`;
  await newTicket(page, subject);
  const number = (await page.title()).match(/#(\d+)/)?.[1];
  expect(number).toBeTruthy();
  await page.getByLabel("Insert a macro").selectOption({ label: name });
  const reply = page.getByRole("textbox", { name: "Reply" });
  await expect(reply).toHaveValue(`Hi Ann, about ticket #${number} (${subject}): a replacement is on its way. Ada`);
  await screenshot(page, "composer-macro");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByTestId("message-outbound").filter({ hasText: `Hi Ann, about ticket #${number}` })).toBeVisible();
  await expect(reply).toHaveValue("");

  // The inbox search finds it by a word of the reply just sent, and by its number as typed so far.
  await page.goto("/tickets");
  await page.getByRole("searchbox").fill(`replacement ${subject.split(" ").at(-1)}`);
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
  await expect(page.getByTestId("ticket-row")).toContainText(subject);
  await page.getByRole("searchbox").fill(`#${number}`);
  await expect(page.getByTestId("ticket-row").filter({ hasText: subject })).toHaveCount(1);

  await page.goto("/admin/macros");
  await expect(row.getByRole("cell").nth(3)).toHaveText("1");
});

test("an @mention in a note reaches the agent's Mentions view until they open the ticket", async ({ page, signInAs, browser }) => {
  await signInAs("admin");
  const subject = `Mention ${randomUUID().slice(0, 6)}`;
  const url = await newTicket(page, subject);
  await page.getByRole("tab", { name: "Internal note" }).click();
  const note = page.getByRole("textbox", { name: "Internal note" });
  await note.pressSequentially("Could you check this, @Ale");
  const list = page.getByRole("listbox", { name: "Mention an agent" });
  await expect(list.getByRole("option", { name: "@Alex Agent" })).toBeVisible();
  await screenshot(page, "composer-mention");
  await note.press("Enter");
  await expect(list).toHaveCount(0);
  await expect(note).toHaveValue("Could you check this, @Alex Agent ");
  await note.pressSequentially("please?");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByTestId("message-note").filter({ hasText: "@Alex Agent please?" })).toBeVisible();

  // The agent, in a browser of their own.
  const context = await browser.newContext();
  try {
    expect(await apiSignIn(context.request, DEMO.agent, DEMO_PASSWORD)).toBeNull();
    const agent = await context.newPage();
    await agent.goto("/tickets");
    const view = agent.getByRole("navigation", { name: "Views" }).getByRole("button", { name: /^Mentions/ });
    await expect(view).toHaveText(/^Mentions\s*[1-9]\d*$/);
    await view.click();
    const read = agent.waitForResponse((r) => r.url().includes("tickets.readMentions") && r.ok());
    await agent.getByTestId("ticket-row").filter({ hasText: subject }).getByRole("link").click();
    await read;
    await expect(agent).toHaveURL(url);
    await expect(agent.getByTestId("message-note").filter({ hasText: "@Alex Agent" })).toBeVisible();
    await agent.goto("/tickets?view=mentions");
    await expect(agent.getByTestId("ticket-row").filter({ hasText: subject })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
