"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type FormEvent } from "react";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { useDraftInsert } from "@/components/triage/draft-bus";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Textarea } from "@/components/ui/input";

type Kind = "reply" | "note";

export function TicketComposer({ ticketId, customerEmail }: { ticketId: string; customerEmail: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("reply");
  const [text, setText] = useState("");
  useDraftInsert(
    ticketId,
    useCallback((draft: string) => {
      setKind("reply");
      setText(draft);
    }, []),
  );
  const send = useMutation(
    trpc.tickets.addMessage.mutationOptions({
      onSuccess: async () => {
        setText("");
        await Promise.all([
          queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })),
          queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
        ]);
      },
    }),
  );
  const error = fieldErrors(send.error).text ?? formError(send.error);
  const note = kind === "note";

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!send.isPending) send.mutate({ ticketId, kind, text });
  }

  return (
    <form
      onSubmit={submit}
      aria-label="Compose"
      className={cn("rounded-lg border bg-white shadow-xs", note ? "border-amber-300 bg-amber-50/40" : "border-zinc-200")}
    >
      <div role="tablist" aria-label="Message type" className="flex gap-1 border-b border-zinc-100 px-2 pt-2">
        {(
          [
            ["reply", "Reply"],
            ["note", "Internal note"],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={kind === value}
            onClick={() => {
              setKind(value);
              send.reset();
            }}
            className={cn(
              "-mb-px border-b-2 px-3 py-1.5 text-sm font-medium",
              kind === value ? (value === "note" ? "border-amber-500 text-amber-800" : "border-zinc-900 text-zinc-900") : "border-transparent text-zinc-500 hover:text-zinc-800",
            )}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="flex flex-col gap-2 p-3">
        <Textarea
          aria-label={note ? "Internal note" : "Reply"}
          placeholder={note ? "Only your team sees notes." : customerEmail ? `Reply to ${customerEmail}…` : "Reply…"}
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
          }}
          className={cn(note && "border-amber-200 bg-amber-50/60")}
          aria-invalid={error ? true : undefined}
        />
        {error && <Alert tone="error">{error}</Alert>}
        <div className="flex items-center justify-between gap-2">
          <span className="text-xs text-zinc-500">
            {note ? "Notes stay inside Deskling." : customerEmail ? "Sent by email; the ticket then waits for the customer." : "This ticket has no customer email."}{" "}
            <kbd className="rounded border border-zinc-200 bg-zinc-50 px-1 font-mono text-[10px]">Ctrl</kbd>+
            <kbd className="rounded border border-zinc-200 bg-zinc-50 px-1 font-mono text-[10px]">Enter</kbd>
          </span>
          <Button type="submit" variant={note ? "note" : "primary"} disabled={send.isPending || !text.trim()}>
            {send.isPending ? "Saving…" : note ? "Add note" : "Send reply"}
          </Button>
        </div>
      </div>
    </form>
  );
}
