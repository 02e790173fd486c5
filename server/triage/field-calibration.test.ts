import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { triageSettings } from "@/db/schema";
import { callerFor, makeUser } from "@/test/db/fixtures";
import type { TriageResult } from "@/models/tasks/triage";
import { prepareMessage } from "@/models/tasks/prepare-message";
import { decideFields } from "./decide-fields";
import { type CalibrationRecord, calibrationOf, FIELD_CALIBRATION, MAX_ECE, shownConfidence } from "./field-calibration";

const run = (ece: number, eceShown = ece) => ({ ece, eceShown, accuracy: 0.9, n: 600, data: "test" });
const record = (category: number[], priority: number[]): CalibrationRecord => ({
  measuredAt: "2026-11-27",
  command: "test",
  fields: { category: category.map((e) => run(e)), priority: priority.map((e) => run(e)) },
});

describe("honest confidence: a probability is shown only where measured calibrated", () => {
  it("shows a field's probability when every held-out run meets the bar, and none when one fails or none was measured", () => {
    expect(shownConfidence("category", 0.8234, record([0.02, 0.04], []))).toBe(0.823);
    expect(shownConfidence("category", 0.8, record([0.02, 0.06], []))).toBeNull();
    expect(shownConfidence("priority", 0.8, record([0.02], []))).toBeNull();
    // The ECE over the answers shown with a number counts too, not only the average over all answers.
    const shownWorse: CalibrationRecord = { ...record([], []), fields: { category: [run(0.02, 0.09)], priority: [] } };
    expect(calibrationOf("category", shownWorse)).toMatchObject({ ece: 0.09, calibrated: false });
  });

  it("the committed record was measured for both learner fields, and decides what the panel shows", () => {
    for (const field of ["category", "priority"] as const) {
      const c = calibrationOf(field);
      expect(c.runs.length, field).toBeGreaterThan(0);
      expect(c.calibrated).toBe(c.ece! <= MAX_ECE);
    }
    expect(FIELD_CALIBRATION.command).toContain("bench/triage-fields.ts");

    const slm: TriageResult = {
      evidence: "",
      category: "BILLING",
      priority: "urgent",
      sentiment: "negative",
      language: "en",
      summary: "Customer was charged twice for one order.",
      tags: [],
      confidence: { category: 1, priority: 1, sentiment: 1, language: 1 },
      flags: { needsHuman: false, injection: false, injectionSignals: [], reasons: [] },
    };
    const prepared = prepareMessage({ subject: "Charged twice", text: "I was charged twice for my order last week, please refund one of the charges." });
    const sure = { label: "BILLING", confidence: 0.87, needsHuman: false };
    const d = decideFields({ slm, hints: { category: sure, priority: { ...sure, label: "high" } }, learnerStatus: "used", learnerError: null, prepared, ticketPriority: null });
    expect(d.fields.category).toMatchObject({ source: "learner", unsure: false, score: 0.87, confidence: calibrationOf("category").calibrated ? 0.87 : null });
    expect(d.fields.priority?.confidence).toBe(calibrationOf("priority").calibrated ? 0.87 : null);
    // Fields without a calibrated source never carry a number, whatever the model claimed.
    for (const f of ["language", "sentiment", "summary"] as const) expect(d.fields[f]?.confidence, f).toBeNull();

    const unsure = decideFields({ slm, hints: { category: { ...sure, confidence: 0.42 } }, learnerStatus: "used", learnerError: null, prepared, ticketPriority: null });
    expect(unsure.fields.category).toMatchObject({ unsure: true, confidence: null });
  });
});

describe("the admin sees why a percentage is shown, beside the auto-apply switch (real database)", () => {
  it("reports each field's measured calibration and the measured precision at the threshold an admin sets", async () => {
    const manager = callerFor(await makeUser("manager"));
    const settings = await manager.triage.settings();
    expect(settings.map((s) => s.field)).toEqual(["category", "priority"]);
    for (const s of settings) {
      const c = calibrationOf(s.field);
      expect(s.calibration).toMatchObject({ ece: c.ece, shown: c.calibrated, maxEce: MAX_ECE, command: FIELD_CALIBRATION.command });
      expect(s.calibration.runs).toEqual(c.runs);
    }
    await expect(manager.triage.updateSetting({ field: "priority", autoApply: true, minConfidence: 0.8 })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const admin = callerFor(await makeUser("admin"));
    try {
      const after = await admin.triage.updateSetting({ field: "priority", autoApply: true, minConfidence: 0.8 });
      expect(after.find((s) => s.field === "priority")).toMatchObject({ autoApply: true, minConfidence: 0.8 });
      expect(after.find((s) => s.field === "category")?.autoApply).toBe(false);
    } finally {
      await getDb().delete(triageSettings).where(eq(triageSettings.field, "priority"));
    }
  });
});
