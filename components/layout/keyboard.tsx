"use client";

import { useEffect, useRef } from "react";

/** Every shortcut, for the cheat sheet (?) and the README; the handlers live with the page they act on. */
export const SHORTCUTS: { section: string; keys: string[]; label: string }[] = [
  { section: "Anywhere", keys: ["?"], label: "Show these shortcuts" },
  { section: "Anywhere", keys: ["Ctrl/⌘", "K"], label: "Command palette: go to a view, a ticket, a page" },
  { section: "Anywhere", keys: ["/"], label: "Search tickets" },
  { section: "Anywhere", keys: ["g", "i"], label: "Go to the inbox" },
  { section: "Inbox", keys: ["j"], label: "Next ticket" },
  { section: "Inbox", keys: ["k"], label: "Previous ticket" },
  { section: "Inbox", keys: ["Enter"], label: "Open the ticket" },
  { section: "Inbox", keys: ["x"], label: "Select the ticket (for bulk actions)" },
  { section: "Inbox", keys: ["e"], label: "Solve the selected (or current) tickets" },
  { section: "Inbox", keys: ["a"], label: "Assign the selected tickets" },
  { section: "Inbox", keys: ["c"], label: "Set the category of the selected tickets" },
  { section: "Ticket", keys: ["r"], label: "Reply" },
  { section: "Ticket", keys: ["n"], label: "Internal note" },
  { section: "Ticket", keys: ["e"], label: "Solve" },
  { section: "Ticket", keys: ["a"], label: "Assign" },
  { section: "Ticket", keys: ["c"], label: "Category" },
  { section: "Ticket", keys: ["s"], label: "Snooze" },
  { section: "Ticket", keys: ["j", "/", "k"], label: "Next / previous ticket of the inbox" },
  { section: "Ticket", keys: ["Ctrl/⌘", "Enter"], label: "Send (in the composer)" },
  { section: "Ticket", keys: ["Esc"], label: "Leave the composer (then shortcuts work again)" },
];

/** Typing in a field, or a dialog is open: single-letter shortcuts must not fire. */
export function shortcutsBlocked(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.altKey) return true;
  const t = e.target as HTMLElement | null;
  if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return true;
  return !!document.querySelector("dialog[open]");
}

/**
 * Single-key shortcuts for the page that calls it ("j", "x"; named keys lower-cased: "enter", "arrowdown"); ignored
 * while typing, with Ctrl/⌘ held, or under a dialog. The latest handlers are used without re-binding the listener.
 */
export function useShortcuts(bindings: Record<string, (e: KeyboardEvent) => void>, enabled = true) {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || shortcutsBlocked(e)) return;
      const handler = ref.current[e.key.length === 1 ? e.key : e.key.toLowerCase()];
      if (!handler) return;
      e.preventDefault();
      handler(e);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
