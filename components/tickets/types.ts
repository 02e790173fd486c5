import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type Outputs = inferRouterOutputs<AppRouter>;

export type InboxTicket = Outputs["tickets"]["list"]["items"][number];
export type TicketDetail = Outputs["tickets"]["get"];
export type TicketMessage = TicketDetail["messages"][number];
export type CategoryOption = Outputs["taxonomy"]["categories"][number];
