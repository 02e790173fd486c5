/** The inbox page as the agent last saw it (ticket ids in order): where j/k on a ticket page go next. */
const KEY = "deskling:inbox-order";

export function rememberInboxOrder(ids: string[]) {
  if (ids.length) sessionStorage.setItem(KEY, JSON.stringify(ids));
}

export function neighbourTicket(id: string, step: 1 | -1): string | null {
  try {
    const ids = JSON.parse(sessionStorage.getItem(KEY) ?? "[]") as string[];
    const i = ids.indexOf(id);
    return i < 0 ? null : (ids[i + step] ?? null);
  } catch {
    return null;
  }
}
