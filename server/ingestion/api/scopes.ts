/** Kept apart from keys.ts so the admin UI can list scopes without bundling server code. */
export const API_SCOPES = ["tickets:read", "tickets:write", "ingest:email"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
