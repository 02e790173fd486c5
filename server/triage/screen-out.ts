import type { ScreenResult } from "@/models/tasks/injection-head";
import type { PreparedMessage } from "@/models/tasks/prepare-message";
import { safeMessage } from "@/server/errors";

/**
 * Sentences the instruction screen reads as a task for an AI are kept from the learner like the pattern rules'
 * finds, and join `prepared.instructions`, which a draft may not repeat. A screen that fails leaves the rules alone
 * and says so in the log. Returns what it screened out.
 */
export async function screenOut(deps: { screen?: (text: string) => Promise<ScreenResult | null> }, prepared: PreparedMessage, log: (line: string) => void): Promise<string[]> {
  const screened = deps.screen
    ? await deps.screen(`${prepared.subject}\n${prepared.text}`).catch((err) => {
        log(`[triage] instruction screen unavailable: ${safeMessage(err)}`);
        return null;
      })
    : null;
  const out = screened?.instructions.map((i) => i.text) ?? [];
  for (const part of out) prepared.learnerText = prepared.learnerText.replace(part, " ");
  prepared.instructions.push(...out.filter((p) => !prepared.instructions.includes(p)));
  return out;
}
