import measured from "./field-calibration.json";

/** A field's probability is shown only when its expected calibration error on held-out data is at most this. */
export const MAX_ECE = 0.05;

export type CalibratedField = "category" | "priority";

/** One held-out measurement of the learner's probabilities (bench/triage-fields.ts --record-calibration). */
export interface FieldCalibration {
  /** Expected calibration error over every held-out answer (10 equal-width bins). */
  ece: number;
  /** The same over the answers the panel would show with a number (learner sure, probability at least 0.5). */
  eceShown: number;
  accuracy: number;
  n: number;
  data: string;
}

export interface CalibrationRecord {
  measuredAt: string;
  command: string;
  /** Each field's measurements (e.g. few and more verified examples per label); the worst one decides. */
  fields: Record<CalibratedField, FieldCalibration[]>;
}

export const FIELD_CALIBRATION: CalibrationRecord = measured;

/** The worst ECE measured for the field, and whether that passes the bar. */
export function calibrationOf(field: CalibratedField, record: CalibrationRecord = FIELD_CALIBRATION) {
  const runs = record.fields[field] ?? [];
  const worst = runs.length ? Math.max(...runs.flatMap((r) => [r.ece, r.eceShown])) : null;
  return { ece: worst, calibrated: worst !== null && worst <= MAX_ECE, runs };
}

/**
 * The learner's probability as the agent sees it: passed on for a field whose measured calibration meets the bar,
 * otherwise null (the panel then shows the answer or "unsure", never a number it cannot stand behind).
 */
export function shownConfidence(field: CalibratedField, probability: number, record: CalibrationRecord = FIELD_CALIBRATION): number | null {
  return calibrationOf(field, record).calibrated ? Math.round(probability * 1000) / 1000 : null;
}
