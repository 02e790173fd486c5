/** Okabe–Ito: distinguishable with the common colour-vision deficiencies; yellow last (weak on white). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0E442"];

export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : Math.round(n).toLocaleString("en"));

export const fmtPct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : "—");

/** Minutes as a duration a person reads at a glance: 45 min, 3.2 h, 2.1 d. */
export function fmtMinutes(m: number | null | undefined) {
  if (m === null || m === undefined) return "—";
  if (m < 90) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}

export const fmtMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "—" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

export const fmtMoney = (n: number) => (n === 0 ? "$0" : `$${n < 10 ? n.toFixed(n < 0.1 ? 4 : 2) : Math.round(n).toLocaleString("en")}`);
