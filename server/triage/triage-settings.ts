import { and, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { corrections, LIVE_SCOPE, triageResults, triageSettings, type TriageField } from "@/db/schema";
import { calibrationOf, FIELD_CALIBRATION, type FieldCalibration, MAX_ECE } from "./field-calibration";

/** The fields triage may write onto a ticket by itself (when an admin turns it on). */
export const AUTO_APPLY_FIELDS = ["category", "priority"] as const satisfies readonly TriageField[];
export type AutoApplyField = (typeof AUTO_APPLY_FIELDS)[number];

export interface AutoApplySetting {
  field: AutoApplyField;
  autoApply: boolean;
  minConfidence: number;
  /**
   * Measured on this installation: of the learner's answers at or above the threshold that an agent, the API or a
   * helpdesk later verified, the share that was right (null until one was verified).
   */
  precision: { correct: number; verified: number; value: number | null };
  /** The held-out measurement that decides whether agents see this field's probability (field-calibration.ts). */
  calibration: { ece: number | null; maxEce: number; shown: boolean; measuredAt: string; command: string; runs: FieldCalibration[] };
}

/** Every auto-apply setting with its measured precision; a field without a row is off (the default). */
export async function getTriageSettings(db: DbOrTx): Promise<AutoApplySetting[]> {
  const rows = await db.select().from(triageSettings);
  return Promise.all(
    AUTO_APPLY_FIELDS.map(async (field) => {
      const row = rows.find((r) => r.field === field);
      const minConfidence = row?.minConfidence ?? 0.9;
      const c = calibrationOf(field);
      const calibration = { ece: c.ece, maxEce: MAX_ECE, shown: c.calibrated, measuredAt: FIELD_CALIBRATION.measuredAt, command: FIELD_CALIBRATION.command, runs: c.runs };
      return { field, autoApply: row?.autoApply ?? false, minConfidence, precision: await precisionAt(db, field, minConfidence), calibration };
    }),
  );
}

export async function setTriageSetting(db: Db, input: { field: AutoApplyField; autoApply: boolean; minConfidence: number; userId: string }) {
  await db
    .insert(triageSettings)
    .values({ field: input.field, autoApply: input.autoApply, minConfidence: input.minConfidence, updatedBy: input.userId })
    .onConflictDoUpdate({
      target: triageSettings.field,
      set: { autoApply: input.autoApply, minConfidence: input.minConfidence, updatedBy: input.userId, updatedAt: new Date() },
    });
}

async function precisionAt(db: DbOrTx, field: AutoApplyField, min: number) {
  const confidence = sql<number>`coalesce(${triageResults.fields}->${field}->>'confidence', ${triageResults.fields}->${field}->>'score')::real`;
  const [r] = await db
    .select({
      verified: sql<number>`count(*)`.mapWith(Number),
      correct: sql<number>`count(*) filter (where ${corrections.aiValue} = ${corrections.finalValue})`.mapWith(Number),
    })
    .from(corrections)
    .innerJoin(triageResults, eq(triageResults.id, corrections.triageResultId))
    .where(
      and(
        eq(corrections.scope, LIVE_SCOPE),
        eq(corrections.field, field),
        isNotNull(corrections.aiValue),
        sql`${triageResults.fields}->${field}->>'source' = 'learner'`,
        gte(confidence, min),
      ),
    );
  const verified = r?.verified ?? 0;
  const correct = r?.correct ?? 0;
  return { correct, verified, value: verified ? correct / verified : null };
}
