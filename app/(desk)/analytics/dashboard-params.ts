import { z } from "zod";
import type { TicketChannel } from "@/db/schema";

/** The dashboard's filters as they live in the URL (?from=…&to=…&tz=…&team=…&agent=…&channel=…&model=…&by=…). */
export interface DashboardParams {
  from: string;
  to: string;
  tz: string;
  team: string;
  agent: string;
  channel: TicketChannel | "";
  model: string;
  by: "channel" | "category" | "priority" | "team";
}

export const CHANNELS: TicketChannel[] = ["email", "web", "api", "webhook", "manual"];
export const DIMENSIONS: DashboardParams["by"][] = ["channel", "category", "priority", "team"];
export const PRESETS = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "12 months" },
] as const;

const date = z.iso.date();
const uuid = z.uuid();
type Raw = Record<string, string | string[] | undefined> | URLSearchParams;
const read = (raw: Raw, key: string) => {
  const v = raw instanceof URLSearchParams ? raw.get(key) : raw[key];
  return (Array.isArray(v) ? v[0] : v) ?? "";
};

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Today in a zone, as YYYY-MM-DD. */
export const todayIn = (tz: string, now = new Date()) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(now);
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Tolerant: a hand-edited or stale URL drops what it cannot use. Without dates the range is the last 30 days up to
 * today in the zone; `now` is passed so the server and the browser agree on "today" for one render.
 */
export function parseDashboardParams(raw: Raw, now = new Date()): DashboardParams {
  const tz = validZone(read(raw, "tz")) ? read(raw, "tz") : "UTC";
  const to = date.safeParse(read(raw, "to")).success ? read(raw, "to") : todayIn(tz, now);
  const fromRaw = read(raw, "from");
  const from = date.safeParse(fromRaw).success && fromRaw <= to ? fromRaw : addDays(to, -29);
  const channel = read(raw, "channel");
  const by = read(raw, "by");
  return {
    from,
    to,
    tz,
    team: uuid.safeParse(read(raw, "team")).success ? read(raw, "team") : "",
    agent: uuid.safeParse(read(raw, "agent")).success ? read(raw, "agent") : "",
    channel: (CHANNELS as string[]).includes(channel) ? (channel as TicketChannel) : "",
    model: read(raw, "model").slice(0, 300),
    by: (DIMENSIONS as string[]).includes(by) ? (by as DashboardParams["by"]) : "channel",
  };
}

export function dashboardSearch(p: DashboardParams): string {
  const qs = new URLSearchParams({ from: p.from, to: p.to });
  if (p.tz !== "UTC") qs.set("tz", p.tz);
  if (p.team) qs.set("team", p.team);
  if (p.agent) qs.set("agent", p.agent);
  if (p.channel) qs.set("channel", p.channel);
  if (p.model) qs.set("model", p.model);
  if (p.by !== "channel") qs.set("by", p.by);
  return `?${qs}`;
}

/** The analytics procedures' `params`; the server and the browser build the same one, so prefetched data is reused. */
export function queryParams(p: DashboardParams) {
  return {
    from: p.from,
    to: p.to,
    tz: p.tz,
    teamId: p.team || undefined,
    agentId: p.agent || undefined,
    channel: p.channel || undefined,
    modelVersion: p.model || undefined,
  };
}
