import { randomUUID } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

/** The demo users `npm start` seeds (DEMO_SEED). */
export const DEMO_PASSWORD = "deskling-demo";
export const DEMO = {
  admin: "admin@deskling.local",
  manager: "manager@deskling.local",
  agent: "agent@deskling.local",
} as const;
export type DemoRole = keyof typeof DEMO;

export const uniqueEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@e2e.deskling.local`;

/**
 * Signs in through next-auth's credentials endpoint, the same request the sign-in form makes, so the
 * session cookie lands in the browser context of `request`. Returns next-auth's error code, or null.
 */
export async function apiSignIn(request: APIRequestContext, email: string, password: string): Promise<string | null> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.ok()).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  return body.url ? new URL(body.url).searchParams.get("error") : `HTTP ${res.status()}`;
}

export async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** tRPC over HTTP with the signed-in browser's cookies (superjson envelope, no batching). */
export async function trpcQuery<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), `${path}: ${res.status()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/**
 * A page's keyboard shortcuts work once React has hydrated it, which under load can be seconds after its HTML
 * shows: presses `keys` until `done` passes, instead of racing the first render.
 */
export async function pressUntil(page: Page, keys: string[], done: () => Promise<unknown>) {
  await expect(async () => {
    for (const key of keys) await page.keyboard.press(key);
    await done();
  }).toPass({ timeout: 30_000 });
}

export const screenshot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });

export const test = base.extend<{
  /** Signs the page's browser context in as a demo user (through the API, without the form). */
  signInAs: (role: DemoRole) => Promise<void>;
  /** Fails the test on an uncaught page error or a React hydration mismatch, which a passing flow could hide. */
  pageErrors: void;
}>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      page.on("console", (msg) => {
        if (msg.type() === "error" && /hydrat/i.test(msg.text())) errors.push(`console: ${msg.text()}`);
      });
      await use();
      expect(errors, "errors in the browser").toEqual([]);
    },
    { auto: true },
  ],
  signInAs: async ({ page }, use) => {
    await use(async (role) => {
      const error = await apiSignIn(page.context().request, DEMO[role], DEMO_PASSWORD);
      expect(error, `sign-in as ${role}`).toBeNull();
    });
    // Each test has its own browser context; dropping its cookies keeps a failure from leaking a session.
    await page.context().clearCookies();
  },
});

export { expect };
