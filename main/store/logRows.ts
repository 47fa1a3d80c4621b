import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';

/*
 * A finished request as the log's writer binds it to its rows: arrays in the tables' column
 * order, not the records' objects, so the values go to SQLite as they come. The thread's batches
 * arrive encoded (logBatch.ts) and are decoded into these; the in-process log makes them itself.
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

const bit = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** A request's attempt count: candidates the plan skipped are logged with their reason but were never tried. */
export function triedCount(attempts: readonly AttemptRecord[]): number {
  let tried = 0;
  for (const attempt of attempts) if (attempt.outcome !== 'skipped') tried++;
  return tried;
}

export function logRow(request: RequestRecord, attempts: readonly AttemptRecord[]): LogRow {
  return [
    [
      request.id,
      request.startedAt,
      request.kind,
      request.inboundFormat,
      request.requestedModel,
      request.route,
      request.provider,
      request.keyId,
      request.model,
      request.status,
      request.failureClass,
      request.error,
      request.headersMs,
      request.firstTokenMs,
      request.totalMs,
      request.tokensIn,
      request.tokensOut,
      request.costUsd,
      bit(request.streamed),
      bit(request.hedged),
      bit(request.clientAborted),
      triedCount(attempts),
      request.rule ?? null,
      request.affinity ?? null,
    ],
    attempts.map((a) => [
      a.index,
      a.startedAt,
      a.provider,
      a.model,
      a.keyId,
      a.status,
      a.outcome,
      a.failureClass,
      a.reason,
      a.headersMs,
      a.firstTokenMs,
      a.totalMs,
      a.tokensIn,
      a.tokensOut,
      a.costUsd,
      bit(a.hedged),
      a.holdUntil,
    ]),
    request.requestBody ?? null,
    request.responseBody ?? null,
  ];
}

/** An attempt's row as the record the rollups and the spend totals count. */
export function attemptOf(row: AttemptRow): AttemptRecord {
  return {
    index: row[0],
    startedAt: row[1],
    provider: row[2],
    model: row[3],
    keyId: row[4],
    status: row[5],
    outcome: row[6],
    failureClass: row[7],
    reason: row[8],
    headersMs: row[9],
    firstTokenMs: row[10],
    totalMs: row[11],
    tokensIn: row[12],
    tokensOut: row[13],
    costUsd: row[14],
    hedged: row[15] === 1,
    holdUntil: row[16],
  };
}
