import { randomUUID } from "node:crypto";
import { apiSignIn, DEMO_PASSWORD, expect, screenshot, signInWithForm, test, uniqueEmail } from "./fixtures";

test("an admin adds a user, who can sign in until deactivated", async ({ page, signInAs, playwright }) => {
  await signInAs("admin");
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText("A name is required")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("At least 10 characters")).toBeVisible();
  await screenshot(page, "admin-users-errors");

  const email = uniqueEmail("new-agent");
  const password = `pw-${randomUUID()}`;
  await page.getByLabel("Name").fill("Nia Newcomer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Initial password").fill(password);
  await page.getByLabel("Role").selectOption("manager");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Added ${email}`)).toBeVisible();
  const row = page.getByTestId("user-row").filter({ hasText: email });
  await expect(row).toContainText("manager");
  await expect(row).toContainText("Active");
  await screenshot(page, "admin-users");

  // The same email twice is refused on the field.
  await page.getByLabel("Name").fill("Duplicate");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Initial password").fill(password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText("Already in use")).toBeVisible();

  const fresh = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect(await apiSignIn(fresh, email, password)).toBeNull();

  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByRole("dialog", { name: /^Deactivate/ })).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");
  await expect(row.getByRole("button", { name: "Reactivate" })).toBeVisible();
  // Deactivation ends the open session at its next request, and blocks new sign-ins.
  expect((await fresh.get("/tickets", { maxRedirects: 0 })).headers()["location"]).toMatch(/\/signin$/);
  expect(await apiSignIn(fresh, email, password)).not.toBeNull();
  await fresh.dispose();
});

test("an agent sees no Admin link and cannot open the users page", async ({ page, signInAs }) => {
  await signInAs("agent");
  await page.goto("/tickets");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin/users");
  // Not a silent jump to the inbox: a page that says the admin role is needed.
  await expect(page).toHaveURL(/\/forbidden\?need=admin/);
  await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Users" })).toHaveCount(0);
});

test("a wrong password shows an error, and repeated failures lock the email", async ({ page }) => {
  // A fresh email for each run: the lock must not hit the demo users other specs sign in as.
  const email = uniqueEmail("nobody");
  await signInWithForm(page, email, "wrong-password");
  await expect(page.getByTestId("signin-error")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin$/);
  for (let i = 0; i < 5 && !(await page.getByText(/locked until/).isVisible()); i++) {
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  await expect(page.getByTestId("signin-error")).toContainText("Too many attempts, locked until");
  // Locked means locked, even for the right password (here: a demo password on an unknown email).
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toContainText("locked until");
});

test("an unknown or malformed ticket id gives the 404 page", async ({ page, signInAs }) => {
  await signInAs("agent");
  const res = await page.goto(`/tickets/${randomUUID()}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the inbox" })).toBeVisible();
  await screenshot(page, "not-found");
  expect((await page.goto("/tickets/not-a-ticket"))?.status()).toBe(404);
  expect((await page.goto("/no/such/page"))?.status()).toBe(404);
});

test("an admin edits teams, categories and SLA targets; destructive steps ask first", async ({ page, signInAs }) => {
  await signInAs("admin");
  const suffix = randomUUID().slice(0, 6);

  // Teams: a new team with a member, renamed, then deleted after confirming.
  await page.goto("/admin/teams");
  await expect(page.getByRole("heading", { name: "Teams", level: 1 })).toBeVisible();
  await page.getByLabel("Name").fill(`Returns ${suffix}`);
  await page.getByRole("checkbox", { name: /Bea Billing/ }).check();
  await page.getByRole("button", { name: "Add team" }).click();
  const team = page.getByTestId("team-row").filter({ hasText: `Returns ${suffix}` });
  await expect(team).toContainText("Bea Billing");
  await team.getByRole("button", { name: /^Edit/ }).click();
  await page.getByLabel("Name").fill(`Returns & Exchanges ${suffix}`);
  await page.getByRole("button", { name: "Save team" }).click();
  const renamed = page.getByTestId("team-row").filter({ hasText: `Returns & Exchanges ${suffix}` });
  await expect(renamed).toBeVisible();
  await screenshot(page, "admin-teams");
  await renamed.getByRole("button", { name: /^Delete/ }).click();
  const ask = page.getByRole("dialog", { name: /^Delete the team/ });
  await expect(ask).toContainText("1 member");
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(renamed).toBeVisible();
  await renamed.getByRole("button", { name: /^Delete/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete team" }).click();
  await expect(renamed).toHaveCount(0);
  // Bea went back to having no team only because her team was deleted: put her back where the demo had her.
  await page.getByTestId("team-row").filter({ hasText: /^Billing/ }).getByRole("button", { name: /^Edit/ }).click();
  await page.getByRole("checkbox", { name: /Bea Billing/ }).check();
  await page.getByRole("button", { name: "Save team" }).click();
  await expect(page.getByTestId("team-row").filter({ hasText: /^Billing/ })).toContainText("Bea Billing");

  // Categories: a new one is offered where categories are picked; disabled (after confirming), it is not.
  await page.goto("/admin/categories");
  await page.getByLabel("Name").fill(`Warranty ${suffix}`);
  await page.getByLabel("Description").fill("Broken products still under warranty, repairs and replacements");
  await page.getByRole("button", { name: "Add category" }).click();
  const category = page.getByTestId("category-row").filter({ hasText: `Warranty ${suffix}` });
  await expect(category).toContainText("Enabled");
  await page.goto("/admin/macros");
  await expect(page.getByLabel("Suggest for").locator("option", { hasText: `Warranty ${suffix}` })).toHaveCount(1);
  await page.goto("/admin/categories");
  await category.getByRole("button", { name: /^Disable/ }).click();
  await expect(page.getByRole("dialog", { name: /^Disable/ })).toContainText("Triage will no longer propose it");
  await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(category).toContainText("Disabled");
  await screenshot(page, "admin-categories");
  await page.goto("/admin/macros");
  await expect(page.getByLabel("Suggest for").locator("option", { hasText: `Warranty ${suffix}` })).toHaveCount(0);

  // SLA: a new urgent first-reply target; removing the low targets asks first. Restored at the end.
  await page.goto("/admin/sla");
  const urgent = page.getByLabel("urgent: first reply within, minutes");
  const before = await urgent.inputValue();
  const low = [page.getByLabel("low: first reply within, minutes"), page.getByLabel("low: solved within, minutes")] as const;
  const lowBefore = [await low[0].inputValue(), await low[1].inputValue()];
  await urgent.fill("45");
  await expect(page.getByTestId("sla-row").first()).toContainText("45 min");
  await low[0].fill("");
  await low[1].fill("");
  await page.getByRole("button", { name: "Save targets" }).click();
  await expect(page.getByRole("dialog", { name: /Remove the low targets/ })).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("status")).toHaveCount(0);
  await low[0].fill("1440");
  await low[1].fill("60");
  await page.getByRole("button", { name: "Save targets" }).click();
  await expect(page.getByText("Resolution must be at least the first reply")).toBeVisible();
  await low[0].fill(lowBefore[0] || "1440");
  await low[1].fill(lowBefore[1] || "5760");
  await page.getByRole("button", { name: "Save targets" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");
  await page.reload();
  await expect(page.getByLabel("urgent: first reply within, minutes")).toHaveValue("45");
  await screenshot(page, "admin-sla");
  await page.getByLabel("urgent: first reply within, minutes").fill(before);
  await page.getByRole("button", { name: "Save targets" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");
});
