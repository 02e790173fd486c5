"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState, type KeyboardEvent, type RefObject } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";
import { cn } from "@/components/ui/cn";

// "@" at the start or after a space, then the name typed so far (up to the caret).
const TRIGGER = /(?:^|\s)@([^\s@]{0,40})$/;

/**
 * @mentions for the note composer: typing @ lists agents whose name starts with what follows (any word of it);
 * ↑/↓ move, Enter or Tab insert "@Name", Esc closes. The picked agents' ids go with the note; the server keeps those
 * whose "@Name" is still in the text.
 */
export function useMentionSuggest({
  enabled,
  text,
  setText,
  area,
}: {
  enabled: boolean;
  text: string;
  setText: (text: string) => void;
  area: RefObject<HTMLTextAreaElement | null>;
}) {
  const trpc = useTRPC();
  const agents = useQuery({ ...trpc.users.assignable.queryOptions(), enabled });
  const listId = useId();
  const [open, setOpen] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [ids, setIds] = useState<string[]>([]);

  const q = open?.query.toLowerCase() ?? "";
  const matches = open
    ? (agents.data ?? []).filter((a) => a.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || a.name.toLowerCase().startsWith(q)).slice(0, 6)
    : [];
  const shown = enabled && open !== null && matches.length > 0;

  /** Re-reads the word at the caret: call on every change and caret move. */
  function sync(el: HTMLTextAreaElement) {
    if (!enabled) return setOpen(null);
    const before = el.value.slice(0, el.selectionStart);
    const m = TRIGGER.exec(before);
    if (!m) return setOpen(null);
    const query = m[1] ?? "";
    if (open?.query !== query) setActive(0);
    setOpen({ start: before.length - query.length - 1, query });
  }

  function pick(agent: { id: string; name: string }) {
    if (!open) return;
    const caret = open.start + 1 + open.query.length;
    const inserted = `@${agent.name} `;
    setText(text.slice(0, open.start) + inserted + text.slice(caret));
    setIds((cur) => (cur.includes(agent.id) ? cur : [...cur, agent.id]));
    setOpen(null);
    const at = open.start + inserted.length;
    requestAnimationFrame(() => area.current?.setSelectionRange(at, at));
  }

  /** Handles the key when the list is open; returns whether it did (the composer then ignores it). */
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!shown) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      setActive((i) => (i + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
    } else if ((e.key === "Enter" || e.key === "Tab") && !e.ctrlKey && !e.metaKey) {
      pick(matches[Math.min(active, matches.length - 1)]!);
    } else if (e.key === "Escape") {
      setOpen(null);
    } else return false;
    e.preventDefault();
    e.stopPropagation();
    return true;
  }

  const optionId = (i: number) => `${listId}-${i}`;
  return {
    ids,
    reset: () => {
      setIds([]);
      setOpen(null);
    },
    sync,
    onKeyDown,
    inputProps: enabled
      ? {
          "aria-autocomplete": "list" as const,
          // A textarea keeps its textbox role (combobox is not allowed on it); these two attributes are.
          "aria-controls": shown ? listId : undefined,
          "aria-activedescendant": shown ? optionId(Math.min(active, matches.length - 1)) : undefined,
        }
      : {},
    popup: shown ? (
      <div
        id={listId}
        role="listbox"
        aria-label="Mention an agent"
        className="absolute left-0 top-full z-30 mt-1 w-64 overflow-hidden rounded-md border border-zinc-200 bg-white py-1 text-sm shadow-lg"
      >
        {matches.map((a, i) => (
          <div
            key={a.id}
            id={optionId(i)}
            role="option"
            // Focus stays in the textarea (aria-activedescendant points here); -1 keeps the option out of the Tab order.
            tabIndex={-1}
            aria-selected={i === active}
            // mousedown, not click: the textarea keeps focus and its caret.
            onMouseDown={(e) => {
              e.preventDefault();
              pick(a);
            }}
            className={cn("cursor-pointer px-3 py-1.5", i === active ? "bg-amber-100 text-zinc-900" : "text-zinc-700 hover:bg-zinc-50")}
          >
            @{a.name}
          </div>
        ))}
      </div>
    ) : null,
  };
}
