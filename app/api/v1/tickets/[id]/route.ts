import { getTicketV1, updateTicketV1 } from "@/server/ingestion/api/v1";

type Ctx = { params: Promise<{ id: string }> };

export const GET = async (req: Request, ctx: Ctx) => getTicketV1(req, { params: await ctx.params });
export const PATCH = async (req: Request, ctx: Ctx) => updateTicketV1(req, { params: await ctx.params });
