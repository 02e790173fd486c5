import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Where tsx's CommonJS API is, for a worker thread (plain Node) that loads one of our TypeScript modules with
 * `require(tsxApi).require(modulePath, parentPath)`. Located from tsx's own export map so that neither the working
 * directory nor the host's module runner (tsx, vitest) matters. Not the ESM API: that registers loader hooks, which
 * Node 20 runs on one more thread, and the thread cost ~40 MB of RSS instead of ~10.
 */
export function tsxCjsApiPath(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports: Record<string, { require: { default: string } }> };
  return path.join(path.dirname(pkgPath), pkg.exports["./cjs/api"]!.require.default);
}
