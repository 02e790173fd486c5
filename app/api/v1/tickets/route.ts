import { createTicketV1, listTicketsV1 } from "@/server/ingestion/api/v1";

export const GET = (req: Request) => listTicketsV1(req, { params: {} });
export const POST = (req: Request) => createTicketV1(req, { params: {} });
