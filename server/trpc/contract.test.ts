import { describe, expect, it } from "vitest";
import { appRouter } from "./root";

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: unknown[];
  output?: unknown;
}

/** Every query and mutation states what it returns, so a change of shape is a type error and a runtime check. */
describe("tRPC contract", () => {
  it("every query and mutation declares an output schema", () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
    const missing = Object.entries(procedures)
      .filter(([, p]) => p._def.type !== "subscription" && !p._def.output)
      .map(([name]) => name)
      .sort();
    expect(missing).toEqual([]);
  });
});
