"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useShortcuts } from "@/components/layout/keyboard";
import { DateTime } from "@/components/layout/relative-time";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";

/** The presets, computed when the dialog opens (local time: "tomorrow 9:00" is the agent's morning). */
function presets(now: Date): { label: string; at: Date }[] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const monday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: "In 1 hour", at: new Date(now.getTime() + 3_600_000) },
    { label: "In 4 hours", at: new Date(now.getTime() + 4 * 3_600_000) },
    { label: "Tomorrow, 9:00", at: at(1, 9) },
    { label: "Next Monday, 9:00", at: at(monday, 9) },
  ];
}

/** "2026-11-27T14:30" for a datetime-local input, in local time. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/**
 * Snooze (key s): out of the open views until a time; a customer message wakes it earlier. A snoozed ticket says
 * until when, with a way to wake it now.
 */
export function SnoozeControl({ ticketId, snoozedUntil, disabled }: { ticketId: string; snoozedUntil: Date | null; disabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState("");
  const snooze = useMutation(
    trpc.tickets.snooze.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        await Promise.all([
          queryClient.invalidateQueries(trpc.tickets.get.queryFilter({ ticketId })),
          queryClient.invalidateQueries(trpc.tickets.list.pathFilter()),
          queryClient.invalidateQueries(trpc.tickets.viewCounts.pathFilter()),
        ]);
      },
    }),
  );
  useShortcuts({ s: () => !disabled && openDialog() });
  function openDialog() {
    snooze.reset();
    setCustom(localInput(new Date(Date.now() + 24 * 3_600_000)));
    setOpen(true);
  }
  const asleep = snoozedUntil && new Date(snoozedUntil).getTime() > Date.now();
  const onCustom = (e: FormEvent) => {
    e.preventDefault();
    if (custom) snooze.mutate({ ticketId, until: new Date(custom) });
  };

  return (
    <>
      {asleep ? (
        <span className="flex items-center gap-1.5 rounded-md bg-violet-50 px-2 py-0.5 text-violet-800" data-testid="snoozed">
          Snoozed until <DateTime date={snoozedUntil} />
          <Button size="sm" variant="ghost" className="h-6" disabled={snooze.isPending} onClick={() => snooze.mutate({ ticketId, until: null })}>
            Wake now
          </Button>
        </span>
      ) : (
        <Button size="sm" variant="secondary" disabled={disabled} onClick={openDialog} title="s" aria-keyshortcuts="s">
          Snooze
        </Button>
      )}
      <Dialog open={open} onClose={() => setOpen(false)} title="Snooze until">
        <p className="text-sm text-zinc-600">The ticket leaves the open views until then; a reply from the customer brings it back at once.</p>
        <div className="grid grid-cols-2 gap-2">
          {presets(new Date()).map((p, i) => (
            <Button key={p.label} variant="secondary" autoFocus={i === 0} disabled={snooze.isPending} onClick={() => snooze.mutate({ ticketId, until: p.at })}>
              {p.label}
            </Button>
          ))}
        </div>
        <form onSubmit={onCustom} className="flex items-end gap-2">
          <label className="flex flex-1 flex-col gap-1 text-xs font-medium text-zinc-700">
            Another time
            <Input type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} aria-invalid={fieldErrors(snooze.error).until ? true : undefined} />
          </label>
          <Button type="submit" disabled={snooze.isPending || !custom}>
            Snooze
          </Button>
        </form>
        {snooze.error && <Alert tone="error">{fieldErrors(snooze.error).until ?? formError(snooze.error)}</Alert>}
      </Dialog>
    </>
  );
}
