import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { requireUser } from "@/server/auth/session";
import { ReadMentions } from "@/components/tickets/read-mentions";
import { TicketView } from "./ticket-view";

type Props = { params: Promise<{ id: string }> };

const ticketId = z.uuid();

async function loadTicket(id: string) {
  if (!ticketId.safeParse(id).success) notFound();
  try {
    return await getQueryClient().fetchQuery(trpcServer.tickets.get.queryOptions({ ticketId: id }));
  } catch (err) {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  if (!ticketId.safeParse(id).success) return { title: "Not found" };
  // Metadata shows the ticket only to a signed-in user; the page itself redirects everyone else.
  const ticket = await getQueryClient()
    .fetchQuery(trpcServer.tickets.get.queryOptions({ ticketId: id }))
    .catch(() => null);
  return { title: ticket ? `#${ticket.number} ${ticket.subject}` : "Ticket" };
}

export default async function TicketPage({ params }: Props) {
  await requireUser();
  const { id } = await params;
  await loadTicket(id);
  const qc = getQueryClient();
  await Promise.all([
    qc.prefetchQuery(trpcServer.users.assignable.queryOptions()),
    qc.prefetchQuery(trpcServer.users.teams.queryOptions()),
    qc.prefetchQuery(trpcServer.taxonomy.categories.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <TicketView ticketId={id} />
      <ReadMentions ticketId={id} />
    </HydrateClient>
  );
}
