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

  await page.getByLabel("File").setInputFiles(HISTORY);
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
