import { defineConfig, devices } from "@playwright/test";

// Test bootstrap, not product code: it sets the environment of the server it starts.
// E2E_PORT / E2E_PG_PORT let two checkouts run their specs side by side.
const port = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL points the specs at a server that is already running (e.g. `next dev` while iterating).
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://localhost:${port}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: external
    ? undefined
    : {
        // `npm start` starts embedded Postgres in its own data folder, migrates, seeds the demo users, builds
        // when the sources changed, and serves the app with its worker and mail receiver.
        command: "npm start",
        url: `${baseURL}/signin`,
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
        env: {
          DESKLING_DATA_DIR: ".data/e2e",
          PORT: String(port),
          EMBEDDED_PG_PORT: process.env.E2E_PG_PORT ?? "54349",
          SMTP_PORT: process.env.E2E_SMTP_PORT ?? "2525",
          NEXTAUTH_URL: baseURL,
          NEXT_TELEMETRY_DISABLED: "1",
        },
      },
});
