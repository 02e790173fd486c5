import type { getTokenUsage } from "./token-usage";

export interface Prices {
  serverPerHour: number;
  cloudModel: string;
  cloudInputPer1k: number;
  cloudOutputPer1k: number;
}

/** Hours in an average month (8,760 / 12): what a server kept for triage costs whatever it processes. */
export const HOURS_PER_MONTH = 730;

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The cost figures from the measured usage: local = model time × server price per hour (what the tokens cost at the
 * measured throughput); cloud = the same tokens at the cloud list price. Monthly figures scale the range's daily
 * average to 30 days. Pure, so the arithmetic is tested on its own.
 */
export function computeCost(usage: Awaited<ReturnType<typeof getTokenUsage>>, days: number, prices: Prices) {
  const versions = usage.map((u) => {
    const hours = u.modelMs / 3_600_000;
    const tokens = u.promptTokens + u.completionTokens;
    const local = hours * prices.serverPerHour;
    const cloud = (u.promptTokens / 1000) * prices.cloudInputPer1k + (u.completionTokens / 1000) * prices.cloudOutputPer1k;
    return {
      modelVersion: u.modelVersion,
      runs: u.runs,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      tokens,
      modelHours: round(hours, 3),
      tokensPerSecond: u.modelMs > 0 ? round(tokens / (u.modelMs / 1000), 1) : null,
      localCost: round(local),
      cloudCost: round(cloud),
    };
  });
  const sum = (k: "tokens" | "promptTokens" | "completionTokens" | "localCost" | "cloudCost" | "modelHours") =>
    versions.reduce((a, v) => a + v[k], 0);
  const local = sum("localCost");
  const cloud = sum("cloudCost");
  const perMonth = 30 / Math.max(1, days);
  return {
    prices,
    versions,
    total: {
      tokens: sum("tokens"),
      promptTokens: sum("promptTokens"),
      completionTokens: sum("completionTokens"),
      modelHours: round(sum("modelHours"), 3),
      localCost: round(local),
      cloudCost: round(cloud),
      /** Cloud cost divided by local cost: above 1, the own model is cheaper for the same tokens. */
      cloudToLocalRatio: local > 0 ? round(cloud / local, 2) : null,
      localMonthly: round(local * perMonth, 2),
      cloudMonthly: round(cloud * perMonth, 2),
      serverMonthly: round(prices.serverPerHour * HOURS_PER_MONTH, 2),
    },
  };
}
