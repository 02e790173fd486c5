"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/components/layout/trpc-provider";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { SHORTCUTS, shortcutsBlocked } from "./keyboard";

interface Command {
  id: string;
  label: string;
  hint?: string;
  href: string;
}

const STATIC_COMMANDS: Command[] = [
  { id: "inbox", label: "Inbox: open work", href: "/tickets" },
  { id: "mine", label: "Inbox: assigned to me", href: "/tickets?view=mine" },
  { id: "unassigned", label: "Inbox: unassigned", href: "/tickets?view=unassigned" },
  { id: "needs_human", label: "Inbox: needs human", href: "/tickets?view=needs_human" },
  { id: "flagged", label: "Inbox: flagged", href: "/tickets?view=flagged" },
  { id: "sla_risk", label: "Inbox: SLA at risk", href: "/tickets?view=sla_risk" },
  { id: "all", label: "Inbox: all tickets", href: "/tickets?view=all" },
  { id: "new", label: "New ticket", href: "/tickets/new" },
  { id: "users", label: "Admin: users", href: "/admin/users" },
  { id: "learning", label: "Admin: learning", href: "/admin/learning" },
];

/**
 * The desk's global keys: ? (cheat sheet), Ctrl/⌘+K (command palette), / (search), g then i (inbox). Mounted once
 * in the desk layout; pages add their own keys with useShortcuts.
 */
export function KeyboardLayer() {
  const router = useRouter();
  const [help, setHelp] = useState(false);
  const [palette, setPalette] = useState(false);
  const pendingG = useRef(0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setHelp(false);
        setPalette(true);
        return;
      }
      if (e.ctrlKey || e.metaKey || shortcutsBlocked(e)) return;
      if (e.key === "?") {
        e.preventDefault();
        setHelp(true);
      } else if (e.key === "/") {
        e.preventDefault();
        const search = document.getElementById("inbox-search");
        if (search) search.focus();
        else setPalette(true);
      } else if (e.key === "g") {
        pendingG.current = Date.now();
      } else if (e.key === "i" && Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        e.preventDefault();
        router.push("/tickets");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  const sections = [...new Set(SHORTCUTS.map((s) => s.section))];
  return (
    <>
      <Dialog open={help} onClose={() => setHelp(false)} title="Keyboard shortcuts" className="w-[min(40rem,calc(100vw-2rem))]">
        <div className="grid gap-4 sm:grid-cols-2">
          {sections.map((section) => (
            <section key={section} aria-label={section}>
              <h3 className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{section}</h3>
              <dl className="flex flex-col gap-1 text-sm">
                {SHORTCUTS.filter((s) => s.section === section).map((s) => (
                  <div key={s.label} className="flex items-center justify-between gap-3">
                    <dt className="text-zinc-700">{s.label}</dt>
                    <dd className="flex shrink-0 gap-1">
                      {s.keys.map((k) => (
                        <kbd key={k} className="rounded border border-zinc-200 bg-zinc-50 px-1.5 font-mono text-xs">
                          {k}
                        </kbd>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </Dialog>
      <Dialog open={palette} onClose={() => setPalette(false)} title="Command palette" className="mt-24 mb-auto">
        {palette && <Palette onDone={() => setPalette(false)} go={(href) => router.push(href)} />}
      </Dialog>
    </>
  );
}

function Palette({ onDone, go }: { onDone: () => void; go: (href: string) => void }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const term = q.trim();
  const tickets = useQuery({
    ...trpc.tickets.list.queryOptions({ view: "all", q: term, pageSize: 5 }),
    enabled: term.length >= 2,
  });
  const items = useMemo<Command[]>(() => {
    const lower = term.toLowerCase();
    const commands = STATIC_COMMANDS.filter((c) => !lower || c.label.toLowerCase().includes(lower));
    const found = (term.length >= 2 ? (tickets.data?.items ?? []) : []).map((t) => ({
      id: t.id,
      label: `#${t.number} ${t.subject}`,
      hint: t.customerName ?? t.customerEmail ?? undefined,
      href: `/tickets/${t.id}`,
    }));
    const search = term ? [{ id: "search", label: `Search tickets for “${term}”`, href: `/tickets?view=all&q=${encodeURIComponent(term)}` }] : [];
    return [...found, ...commands, ...search];
  }, [term, tickets.data]);
  const pick = (c: Command | undefined) => {
    if (!c) return;
    onDone();
    go(c.href);
  };
  return (
    <div className="flex flex-col gap-2">
      <Input
        autoFocus
        aria-label="Type a command, a ticket number or words to search"
        placeholder="Go to a view, #123, or search…"
        aria-controls="palette-list"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(items.length - 1, a + 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === "Enter") {
            e.preventDefault();
            pick(items[active]);
          }
        }}
      />
      <ul id="palette-list" aria-label="Commands" className="max-h-80 overflow-y-auto">
        {items.map((c, i) => (
          <li key={c.id}>
            <button
              type="button"
              tabIndex={-1}
              aria-current={i === active || undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(c)}
              className={cn(
                "flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm",
                i === active ? "bg-indigo-50 text-indigo-900" : "text-zinc-700",
              )}
            >
              <span className="truncate">{c.label}</span>
              {c.hint && <span className="shrink-0 truncate text-xs text-zinc-500">{c.hint}</span>}
            </button>
          </li>
        ))}
        {items.length === 0 && <li className="px-2 py-1.5 text-sm text-zinc-500">Nothing matches.</li>}
      </ul>
      <p className="sr-only" aria-live="polite">
        {items[active] ? items[active]!.label : "Nothing matches."}
      </p>
    </div>
  );
}
