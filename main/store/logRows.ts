import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';

/*
 * A finished request as the log's writer binds it to its rows: arrays in the tables' column
 * order, not the records' objects, so the values go to SQLite as they come. Records are encoded
 * into batches (logBatch.ts), in the proxy's thread or in the in-process log, and decoded into
 * these a few at a time as the writer binds them.
 */

/** The requests table's columns after the row id, in the order the writer's INSERT names them. */
export type RequestRow = [
  id: string,
  startedAt: number,
  kind: RequestRecord['kind'],
  inbound: RequestRecord['inboundFormat'],
  requestedModel: string,
  route: string | null,
  provider: string | null,
  keyId: string | null,
  model: string | null,
  status: number,
  failureClass: RequestRecord['failureClass'],
  error: string | null,
  headersMs: number | null,
  firstTokenMs: number | null,
  totalMs: number,
  tokensIn: number | null,
  tokensOut: number | null,
  cost: number | null,
  streamed: 0 | 1,
  hedged: 0 | 1,
  clientAborted: 0 | 1,
  attempts: number,
  rule: string | null,
  affinity: string | null,
];

/** The attempts table's columns after the request's row id, in the writer's INSERT's order. */
export type AttemptRow = [
  index: number,
  startedAt: number,
  provider: string,
  model: string,
  keyId: string | null,
  status: number,
  outcome: AttemptRecord['outcome'],
  failureClass: AttemptRecord['failureClass'],
  reason: string | null,
  headersMs: number | null,
  firstTokenMs: number | null,
  totalMs: number | null,
  tokensIn: number | null,
  tokensOut: number | null,
  cost: number | null,
  hedged: 0 | 1,
  holdUntil: number | null,
];

/** One request: its row, its attempts' rows, and its bodies (null when not kept). */
export type LogRow = [
  request: RequestRow,
  attempts: AttemptRow[],
  requestBody: string | null,
  responseBody: string | null,
];

/** Where RequestRow holds what the writer reads besides binding it. */
export const ROUTE = 5;
export const STREAMED = 18;

/** Where AttemptRow holds what the rollups and the spend totals count. */
export const ATTEMPT = {
  startedAt: 1,
  provider: 2,
  model: 3,
  keyId: 4,
  outcome: 6,
  firstTokenMs: 10,
  totalMs: 11,
  tokensIn: 12,
  tokensOut: 13,
  cost: 14,
} as const;

/** A request's attempt count: candidates the plan skipped are logged with their reason but were never tried. */
export function triedCount(attempts: readonly AttemptRecord[]): number {
  let tried = 0;
  for (const attempt of attempts) if (attempt.outcome !== 'skipped') tried++;
  return tried;
}
