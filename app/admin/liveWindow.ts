/**
 * The Overview's live window (GET /admin/live counts it; the dashboard keeps it current). Apart
 * from contract.ts so the request log's thread reads it without loading zod and every schema.
 */
export const LIVE_WINDOW_MS = 15 * 60_000;
