import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "test/server-only.ts") } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**", "models/.cache/**"],
    globalSetup: ["test/db/global-setup.ts"],
    setupFiles: ["test/db/setup-env.ts"],
    // Files share one database and, on 2 cores, one model at a time: run them one after another.
    fileParallelism: false,
    // Real-model tests on 2 shared cores: generous, since a timeout here says nothing about speed (benchmarks do).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
