import { ingestEmailHttp } from "@/server/ingestion/routes";

export const POST = (req: Request) => ingestEmailHttp(req);
