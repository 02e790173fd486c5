import { ingestWebhookHttp } from "@/server/ingestion/routes";

export async function POST(req: Request, ctx: { params: Promise<{ source: string }> }) {
  return ingestWebhookHttp(req, (await ctx.params).source);
}
