import { getInboundV1 } from "@/server/ingestion/api/v1";

type Ctx = { params: Promise<{ id: string }> };

export const GET = async (req: Request, ctx: Ctx) => getInboundV1(req, { params: await ctx.params });
