"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Select } from "@/components/ui/input";

/**
 * Inserts a canned reply with its variables filled for this ticket. Macros for the ticket's category come first
 * (suggested), then the rest by how often they are used.
 */
export function MacroPicker({ ticketId, category, onInsert }: { ticketId: string; category: string | null; onInsert: (text: string) => void }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.macros.list.queryOptions());
  const fill = useMutation(trpc.macros.fill.mutationOptions({ onSuccess: (r) => onInsert(r.text) }));
  const macros = list.data ?? [];
  if (macros.length === 0) return null;
  const suggested = macros.filter((m) => category && m.category === category);
  const rest = macros.filter((m) => !suggested.includes(m));
  return (
    <span className="flex items-center gap-2">
      <Select
        aria-label="Insert a macro"
        className="h-7 w-44 text-xs"
        value=""
        disabled={fill.isPending}
        onChange={(e) => e.target.value && fill.mutate({ macroId: e.target.value, ticketId })}
      >
        <option value="">Insert macro…</option>
        {suggested.length > 0 && (
          <optgroup label="Suggested for this category">
            {suggested.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label={suggested.length ? "All macros" : "Macros"}>
          {rest.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </optgroup>
      </Select>
      {fill.error && <span className="text-xs text-red-700">{formError(fill.error)}</span>}
    </span>
  );
}
