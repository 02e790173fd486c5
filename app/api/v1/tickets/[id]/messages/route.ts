import { addMessageV1 } from "@/server/ingestion/api/v1";

export const POST = async (req: Request, ctx: { params: Promise<{ id: string }> }) => addMessageV1(req, { params: await ctx.params });
