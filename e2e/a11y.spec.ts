import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** Serious and critical axe violations of the page as it is now (WCAG 2.1 A and AA rules). */
async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

test("sign-in, inbox, ticket and admin pages have no serious or critical accessibility violations", async ({ page, signInAs }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in to Deskling" })).toBeVisible();
  expect(await seriousViolations(page), "sign-in").toEqual([]);

  await signInAs("admin");
  await page.goto("/tickets");
  await expect(page.getByTestId("ticket-row").first()).toBeVisible();
  expect(await seriousViolations(page), "inbox").toEqual([]);

  await page.getByTestId("ticket-row").first().getByRole("link").click();
  await expect(page.getByRole("textbox", { name: "Reply" })).toBeVisible();
  expect(await seriousViolations(page), "ticket").toEqual([]);

  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  expect(await seriousViolations(page), "admin users").toEqual([]);

  for (const [path, heading] of [
    ["/admin/teams", "Teams"],
    ["/admin/categories", "Categories"],
    ["/admin/sla", "SLA policies"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    expect(await seriousViolations(page), path).toEqual([]);
  }
});
