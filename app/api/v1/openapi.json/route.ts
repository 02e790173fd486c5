import { openApiDocument } from "@/server/ingestion/api/openapi";

export const GET = () => Response.json(openApiDocument());
