import { TriagePanel } from "@/components/triage/triage-panel";
import { CustomerCard } from "./customer-card";
import { CustomerTickets } from "./customer-tickets";
import { TicketProperties } from "./ticket-properties";
import type { TicketDetail } from "./types";

export function TicketSidePanel({ ticket }: { ticket: TicketDetail }) {
  return (
    <aside aria-label="Ticket details" className="flex flex-col gap-4">
      <TriagePanel ticketId={ticket.id} />
      <TicketProperties ticket={ticket} />
      <CustomerCard customer={ticket.customer} />
      {ticket.customer && <CustomerTickets ticketId={ticket.id} customerId={ticket.customer.id} />}
    </aside>
  );
}
