import { getHealth } from "@/server/health/get-health";

export const dynamic = "force-dynamic";

/** Public and cheap (one cached probe a second): the degraded banner and external monitors poll it. */
export async function GET() {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
