import { DateTime } from "@/components/layout/relative-time";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { ResendButton } from "./resend-button";
import type { TicketDetail, TicketMessage } from "./types";

const delivery = {
  none: null,
  queued: { tone: "neutral", label: "Queued" },
  sent: { tone: "green", label: "Sent" },
  failed: { tone: "red", label: "Not delivered" },
} as const;

function MessageItem({ message, customerName, ticketId }: { message: TicketMessage; customerName: string; ticketId: string }) {
  const kind = message.direction;
  const state = kind === "outbound" ? delivery[message.deliveryStatus] : null;
  return (
    <article
      data-testid={`message-${kind}`}
      className={cn(
        "rounded-lg border shadow-xs",
        kind === "inbound" && "border-zinc-200 bg-white",
        kind === "outbound" && "ml-8 border-indigo-200 bg-indigo-50/60",
        kind === "note" && "ml-8 border-amber-200 bg-amber-50",
      )}
    >
      <header className="flex flex-wrap items-center gap-2 px-4 pt-3 text-xs">
        <span
          aria-hidden
          className={cn(
            "grid size-6 place-items-center rounded-full text-[11px] font-semibold",
            kind === "inbound" && "bg-zinc-200 text-zinc-700",
            kind === "outbound" && "bg-indigo-600 text-white",
            kind === "note" && "bg-amber-500 text-white",
          )}
        >
          {(kind === "inbound" ? customerName : (message.authorName ?? "?")).slice(0, 1).toUpperCase()}
        </span>
        <span className="font-medium text-zinc-900">{kind === "inbound" ? customerName : (message.authorName ?? "Deskling")}</span>
        <span className="text-zinc-500">
          {kind === "inbound" ? "wrote" : kind === "outbound" ? "replied" : "added an internal note"}
        </span>
        {kind === "note" && <Badge tone="amber">Internal · not sent to the customer</Badge>}
        {message.draftTriageId && (
          <Badge tone="violet" title={message.draftChrf !== null ? `chrF ${message.draftChrf.toFixed(0)} against the draft` : undefined}>
            From AI draft{message.draftChrf !== null && message.draftChrf > 99.5 ? " · unchanged" : " · edited"}
          </Badge>
        )}
        {state && (
          <Badge tone={state.tone} data-testid="delivery-status" title={message.deliveryError ?? undefined}>
            {state.label}
          </Badge>
        )}
        <DateTime date={message.createdAt} className="ml-auto text-zinc-500" />
      </header>
      <div className="px-4 pt-2 pb-3 text-sm leading-relaxed break-words whitespace-pre-wrap text-zinc-800">
        {/* The email parser stores "(no text)" for a message whose content is all in its attachments. */}
        {message.bodyText.trim() && !(message.bodyText === "(no text)" && message.attachments.length) ? (
          message.bodyText
        ) : (
          <span className="text-zinc-500 italic">{message.attachments.length ? "No text: the message is in its attachments." : "(no text)"}</span>
        )}
      </div>
      {message.attachments.length > 0 && (
        <ul aria-label="Attachments" className="flex flex-wrap gap-2 px-4 pb-3">
          {message.attachments.map((a) => (
            <li key={a.id}>
              <a
                href={`/api/attachments/${a.id}`}
                download={a.filename}
                className="inline-flex items-center gap-1.5 rounded-md border border-zinc-200 bg-white px-2 py-1 text-xs text-zinc-800 hover:border-indigo-300 hover:text-indigo-700"
              >
                <span aria-hidden>📎</span>
                {a.filename}
                <span className="text-zinc-500">{a.size < 1024 ? `${a.size} B` : a.size < 1048576 ? `${Math.round(a.size / 1024)} KB` : `${(a.size / 1048576).toFixed(1)} MB`}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {kind === "outbound" && message.deliveryStatus === "failed" && (
        <div className="flex items-center justify-between gap-3 border-t border-red-100 px-4 py-2 text-xs text-red-700" role="alert">
          <span>Not delivered{message.deliveryError ? `: ${message.deliveryError}` : ""}. The customer has not seen this reply.</span>
          <ResendButton ticketId={ticketId} messageId={message.id} />
        </div>
      )}
    </article>
  );
}

export function TicketThread({ ticket }: { ticket: TicketDetail }) {
  const customerName = ticket.customer?.name ?? ticket.customer?.email ?? "Customer";
  return (
    <section aria-label="Conversation" className="flex flex-col gap-3">
      {ticket.messages.map((m) => (
        <MessageItem key={m.id} message={m} customerName={customerName} ticketId={ticket.id} />
      ))}
    </section>
  );
}
