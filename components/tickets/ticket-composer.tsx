"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState, type FormEvent } from "react";
import { useShortcuts } from "@/components/layout/keyboard";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { useDraftInsert } from "@/components/triage/draft-bus";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useConfirm } from "@/components/ui/confirm";
import { cn } from "@/components/ui/cn";
import { Textarea } from "@/components/ui/input";
import { MacroPicker } from "./macro-picker";
import { useMentionSuggest } from "./mention-suggest";
import { reportTyping } from "./ticket-presence";

type Kind = "reply" | "note";

export function TicketComposer({
  ticketId,
  customerEmail,
  category,
  latestInboundId,
}: {
  ticketId: string;
  customerEmail: string | null;
  category: string | null;
  /** The newest customer message on the page now; the send guard remembers which one the agent wrote against. */
  latestInboundId: string | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("reply");
  const [text, setTextState] = useState("");
  // The newest customer message when the agent started writing (undefined: nothing written yet, so the newest now).
  const [startedOn, setStartedOn] = useState<string | null | undefined>(undefined);
  const seenMessageId = startedOn === undefined ? latestInboundId : startedOn;
  const textRef = useRef(text);
  textRef.current = text;
  const setText = useCallback(
    (next: string | ((cur: string) => string)) => {
      const value = typeof next === "function" ? next(textRef.current) : next;
      if (!value.trim()) setStartedOn(undefined);
      else if (!textRef.current.trim()) setStartedOn((s) => (s === undefined ? latestInboundId : s));
      textRef.current = value;
      setTextState(value);
    },
    [latestInboundId],
  );
  // The draft the reply started from (kept while the agent edits it; cleared when the text is cleared).
  const [draftId, setDraftId] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const [confirm, confirmDialog] = useConfirm();
  useDraftInsert(
    ticketId,
    useCallback(
      async (draft: string, triageResultId: string) => {
        const typed = textRef.current.trim();
        if (
          typed &&
          typed !== draft.trim() &&
          !(await confirm({ title: "Replace what you wrote?", body: "The composer already has text. Using the draft replaces it.", confirm: "Replace with the draft" }))
        )
          return;
        setKind("reply");
        setText(draft);
        setDraftId(triageResultId);
        area.current?.focus();
      },
      [confirm, setText],
    ),
  );
  useShortcuts({
    r: () => {
      setKind("reply");
      area.current?.focus();
    },
    n: () => {
      setKind("note");
      area.current?.focus();
    },
  });
  const mention = useMentionSuggest({ enabled: kind === "note", text, setText, area });
  const send = useMutation(
    trpc.tickets.addMessage.mutationOptions({
      onSuccess: async () => {
        setText("");
        setDraftId(null);
        mention.reset();
        await Promise.all([
          queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })),
          queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
        ]);
      },
      onError: (err, input) => {
        // The send guard: the customer wrote again since this reply was started. Show the new message, then ask
        // (not awaited here: the send is over, the composer is free while the question is open).
        const newest = err.data?.code === "CONFLICT" ? err.data.fields?.seenMessageId : undefined;
        if (newest) void askAfterNewer(err.message, newest, input);
      },
    }),
  );
  async function askAfterNewer(reason: string, newest: string, input: Parameters<typeof send.mutate>[0]) {
    await queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId }));
    const message = queryClient.getQueryData(trpc.tickets.get.queryKey({ ticketId }))?.messages.find((m) => m.id === newest);
    const ok = await confirm({
      title: "The customer wrote again",
      body: (
        <div className="flex flex-col gap-2">
          <p>{reason} It is now in the conversation; check that your reply still fits.</p>
          {message && (
            <blockquote className="max-h-40 overflow-auto rounded-md border-l-2 border-sky-400 bg-zinc-50 p-2 whitespace-pre-wrap text-zinc-800" data-testid="newer-message">
              {message.bodyText.slice(0, 600)}
            </blockquote>
          )}
        </div>
      ),
      confirm: "Send anyway",
    });
    if (ok) send.mutate({ ...input, seenMessageId: newest });
    else {
      setStartedOn(newest);
      area.current?.focus();
    }
  }
  const conflict = send.error?.data?.code === "CONFLICT" && !!send.error.data.fields?.seenMessageId;
  const error = conflict ? null : (fieldErrors(send.error).text ?? formError(send.error));
  const note = kind === "note";

  function submit(e?: FormEvent, solve = false) {
    e?.preventDefault();
    if (send.isPending) return;
    const reply = kind === "reply";
    send.mutate({
      ticketId,
      kind,
      text,
      draftTriageId: reply ? draftId : null,
      solve: reply && solve,
      seenMessageId: reply ? seenMessageId : undefined,
      mentionIds: reply ? undefined : mention.ids,
    });
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
        <div className="relative">
          <Textarea
            ref={area}
            {...mention.inputProps}
            aria-label={note ? "Internal note" : "Reply"}
            placeholder={note ? "Only your team sees notes. Type @ to mention an agent." : customerEmail ? `Reply to ${customerEmail}…` : "Reply…"}
            rows={5}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (!e.target.value.trim()) setDraftId(null);
              mention.sync(e.target);
              if (!note) reportTyping(ticketId);
            }}
            onSelect={(e) => mention.sync(e.currentTarget)}
            onKeyDown={(e) => {
              if (mention.onKeyDown(e)) return;
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(undefined, e.shiftKey);
              if (e.key === "Escape") area.current?.blur();
            }}
            className={cn(note && "border-amber-200 bg-amber-50/60")}
            aria-invalid={error ? true : undefined}
          />
          {mention.popup}
        </div>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="flex items-center justify-between gap-2">
          <span className="text-xs text-zinc-500">
            {note
              ? "Notes stay inside Deskling."
              : customerEmail
                ? `Goes out by email to ${customerEmail}; the delivery state shows on the message.`
                : "This ticket has no customer email."}
            {draftId && !note && <span className="ml-1 text-violet-700">· from the AI draft</span>}{" "}
            <kbd className="rounded border border-zinc-200 bg-zinc-50 px-1 font-mono text-[10px]">Ctrl</kbd>+
            <kbd className="rounded border border-zinc-200 bg-zinc-50 px-1 font-mono text-[10px]">Enter</kbd>
          </span>
          <div className="flex gap-2">
            <MacroPicker
              ticketId={ticketId}
              category={category}
              onInsert={(macro) => {
                // Appended, never replacing what is typed; a macro is the agent's own text, not the AI draft's.
                setText((cur) => (cur.trim() ? `${cur.trimEnd()}\n\n${macro}` : macro));
                area.current?.focus();
              }}
            />
            {!note && (
              <Button variant="secondary" disabled={send.isPending || !text.trim()} onClick={() => submit(undefined, true)} title="Ctrl+Shift+Enter">
                Send and solve
              </Button>
            )}
            <Button type="submit" variant={note ? "note" : "primary"} disabled={send.isPending || !text.trim()}>
              {send.isPending ? "Saving…" : note ? "Add note" : "Send reply"}
            </Button>
          </div>
        </div>
      </div>
      {confirmDialog}
    </form>
  );
}
