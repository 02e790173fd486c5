import { defineConfig } from "drizzle-kit";

// Only `db:generate` uses this file; migrations are applied by db/migrate.ts at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
