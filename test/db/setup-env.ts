import { inject } from "vitest";

// Runs before each test file's imports, so config/env.ts sees the test database.
process.env.DATABASE_URL = inject("databaseUrl");
