import path from "node:path";
import { expect, screenshot, test } from "./fixtures";

// Four good rows (demo categories REFUND and DELIVERY) and one without text on line 4 (the header is line 1).
const HISTORY = path.join(import.meta.dirname, "fixtures", "learning-history.csv");

test("an admin imports labeled history and sees its progress, the skipped row and what the learner knows", async ({ page, signInAs }) => {
  // The import runs in a child process that loads the embedding model: slower than a page on shared cores.
  test.setTimeout(180_000);
  await signInAs("admin");
  await page.goto("/tickets");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Learning" }).click();
  await expect(page).toHaveURL(/\/admin\/learning$/);
  await expect(page.getByRole("heading", { name: "Learning", level: 1 })).toBeVisible();

  // The learner's state: the demo history seeds verified categories, so the summary lists them with counts.
  const category = page.getByRole("region", { name: "category examples" });
  await expect(category).toContainText(/\d+ examples?, \d+ labels?/);
  await expect(category).toContainText("REFUND");
  await expect(page.getByText(/Last 30 days: .*\d+ imported/)).toBeVisible();
  await expect(page.getByText("No evaluation has run yet.").or(page.getByRole("table", { name: "Evaluation runs" }))).toBeVisible();

  // The encoder: nothing fine-tuned in this database, so triage embeds with the base model and no run is listed.
  // The button is not clicked: a real fine-tune takes minutes (server/learning/finetune-encoder.test.ts trains one).
  const encoder = page.getByRole("region", { name: "Encoder" });
  await expect(encoder.getByTestId("active-encoder")).toHaveText(/^Triage embeds with \S+, the base model\.$/);
  await expect(encoder).toContainText("A fine-tune is used only when it classifies held-out verified examples better than the encoder in use.");
  await expect(encoder.getByText("No fine-tune has run yet.")).toBeVisible();
  await expect(encoder.getByRole("button", { name: "Fine-tune on verified examples" })).toBeEnabled();
  await screenshot(page, "learning");

  // No file chosen: refused on the form, nothing started.
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByText("Choose a CSV, JSONL or JSON file.")).toBeVisible();

  await page.getByLabel("File", { exact: true }).setInputFiles(HISTORY);
  await page.getByLabel("Field").selectOption("category");
  await page.getByRole("button", { name: "Import" }).click();
  const progress = page.getByTestId("import-progress");
  await expect(progress).toContainText("learning-history.csv");
  await screenshot(page, "learning-import-running");
  await expect(progress.getByText("Imported 4 examples")).toBeVisible({ timeout: 150_000 });
  await expect(progress).toContainText("succeeded");

  // The bad row is reported with its line number and the reason.
  await progress.getByText("1 row skipped").click();
  await expect(progress.getByRole("listitem")).toHaveText(["line 4: empty text"]);
  await screenshot(page, "learning-import-done");

  // The finished import appears in the summary's recent imports.
  const imports = page.getByRole("table", { name: "Recent imports" });
  await expect(imports.getByRole("row").filter({ hasText: "learning-history.csv" }).first()).toContainText("succeeded");
});

test("an admin sees why agents see a percentage, and turns auto-apply on above a threshold with its measured precision", async ({ page, signInAs }) => {
  await signInAs("admin");
  await page.goto("/admin/learning");
  const card = page.getByRole("region", { name: "Confidence and auto-apply" });
  const category = card.getByTestId("trust-category");
  // The committed held-out measurement decides: category passes the 5% bar, so its percentage is shown.
  await expect(category).toContainText(/percentage shown \(ECE \d\.\d%\)/);
  await expect(category).toContainText("verified per category, 600 held-out tickets");
  await expect(card).toContainText("bench/triage-fields.ts");

  // The e2e database outlives a run: start from the default (off), and set a threshold other than the stored one.
  const toggle = category.getByRole("checkbox");
  await toggle.uncheck();
  const threshold = card.getByLabel("Category auto-apply threshold");
  const next = (await threshold.inputValue()) === "0.95" ? "0.93" : "0.95";
  await threshold.fill(next);
  await category.getByRole("button", { name: "Save" }).click();
  await expect(category.getByRole("button", { name: "Save" })).toBeDisabled();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await expect(category).toContainText("precision at this threshold");
  await screenshot(page, "learning-trust");
  await page.reload();
  await expect(card.getByLabel("Category auto-apply threshold")).toHaveValue(next);
  await expect(card.getByTestId("trust-category").getByRole("checkbox")).toBeChecked();
  // Back to off, so other specs see triage write nothing by itself.
  await card.getByTestId("trust-category").getByRole("checkbox").uncheck();
  await page.reload();
  await expect(card.getByTestId("trust-category").getByRole("checkbox")).not.toBeChecked();
});

test("an agent cannot open the learning page", async ({ page, signInAs }) => {
  await signInAs("agent");
  await page.goto("/tickets");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Learning" })).toHaveCount(0);
  await page.goto("/admin/learning");
  await expect(page).toHaveURL(/\/forbidden\?need=admin/);
  await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Learning" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Import" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Fine-tune on verified examples" })).toHaveCount(0);
});
