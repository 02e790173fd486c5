import fs from "node:fs";
import { expect, screenshot, test } from "./fixtures";

test("an agent gets a 403 page at /analytics, and no Analytics link", async ({ page, signInAs }) => {
  await signInAs("agent");
  const res = await page.goto("/analytics");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not for your role" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" })).toHaveCount(0);
  await screenshot(page, "analytics-403");
});

test("a manager reads the dashboard, narrows it, opens the tickets behind a number and exports CSV", async ({ page, signInAs }) => {
  await signInAs("manager");
  await page.goto("/tickets");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" }).click();
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();

  // The demo's two weeks of tickets: bars per day and a backlog line, each chart one labelled image.
  const created = page.getByRole("img", { name: /^Created per day by channel, and solved\./ });
  await expect(created.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByRole("img", { name: /^Open backlog\./ }).locator(".recharts-line-curve")).toBeVisible();
  await expect(page.getByRole("img", { name: /^Median first reply and resolution by priority/ }).locator(".recharts-bar-rectangle").first()).toBeVisible();
  await screenshot(page, "analytics-dashboard");

  // Filters live in the URL.
  await page.getByRole("group", { name: "Range presets" }).getByRole("button", { name: "7 days" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=/);
  await page.getByLabel("Split by").selectOption("priority");
  await expect(page).toHaveURL(/by=priority/);
  await expect(page.getByRole("img", { name: /^Created per day by priority, and solved\./ }).locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.getByLabel("Channel").selectOption("email");
  await expect(page).toHaveURL(/channel=email/);

  // The backlog as a table, and as CSV: a header and one row per day of the 7-day range.
  const backlog = page.getByRole("region", { name: "Open backlog", exact: true });
  await backlog.getByRole("button", { name: "Table" }).click();
  await expect(backlog.getByRole("table").getByRole("row")).toHaveCount(8);
  const download = page.waitForEvent("download");
  await backlog.getByRole("button", { name: "CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^deskling-backlog-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = fs.readFileSync((await file.path())!, "utf8").split("\r\n");
  expect(lines[0]).toBe("Day,Open at the end of the day");
  expect(lines).toHaveLength(8);
  expect(lines.slice(1).every((l) => /^\d{4}-\d{2}-\d{2},\d+$/.test(l))).toBe(true);
  await screenshot(page, "analytics-filtered-table");

  // A number opens the tickets behind it.
  await page.getByRole("button", { name: "Show the tickets created", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Tickets created" });
  await expect(dialog.getByRole("link").first()).toBeVisible();
  await screenshot(page, "analytics-drill-down");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
});
