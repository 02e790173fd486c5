"use client";

import { useEffect } from "react";

const EVENT = "deskling:use-draft";

/** "Use draft" in the triage panel → the reply composer of the same ticket, without the two sharing a parent. */
export function sendDraftToComposer(ticketId: string, text: string, triageResultId: string) {
  window.dispatchEvent(new CustomEvent(EVENT, { detail: { ticketId, text, triageResultId } }));
}

/** The composer's side: called with the draft text when an agent picks it. The agent still edits and sends it. */
export function useDraftInsert(ticketId: string, insert: (text: string, triageResultId: string) => void) {
  useEffect(() => {
    const onDraft = (e: Event) => {
      const { detail } = e as CustomEvent<{ ticketId: string; text: string; triageResultId: string }>;
      if (detail.ticketId === ticketId) insert(detail.text, detail.triageResultId);
    };
    window.addEventListener(EVENT, onDraft);
    return () => window.removeEventListener(EVENT, onDraft);
  }, [ticketId, insert]);
}
