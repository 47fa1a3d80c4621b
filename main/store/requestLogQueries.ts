import type { DatabaseSync } from 'node:sqlite';
import type { RequestLogQuery } from '../../app/admin/contract.ts';
import type {
  AttemptRecord,
  RequestDetail,
  RequestLogPage,
  RequestListItem,
  RequestRecord,
} from '../../app/admin/types.ts';

type RequestRow = {
  id: number;
  request_id: string;
  started_at: number;
  kind: RequestRecord['kind'];
  inbound: RequestRecord['inboundFormat'];
  requested_model: string;
  route: string | null;
  rule: string | null;
  affinity: string | null;
  provider: string | null;
  key_id: string | null;
  model: string | null;
  status: number;
  failure_class: RequestRecord['failureClass'];
  error: string | null;
  headers_ms: number | null;
  first_token_ms: number | null;
  total_ms: number;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  streamed: number;
  hedged: number;
  client_aborted: number;
  attempts: number;
};

type AttemptRow = {
  idx: number;
  started_at: number;
  provider: string;
  model: string;
  key_id: string | null;
  status: number;
  outcome: AttemptRecord['outcome'];
  failure_class: AttemptRecord['failureClass'];
  reason: string | null;
  headers_ms: number | null;
  first_token_ms: number | null;
  total_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost: number | null;
  hedged: number;
  hold_until: number | null;
};

function toItem(row: RequestRow): RequestListItem {
  return {
    id: row.request_id,
    startedAt: row.started_at,
    kind: row.kind,
    inboundFormat: row.inbound,
    requestedModel: row.requested_model,
    route: row.route,
    rule: row.rule,
    affinity: row.affinity,
    provider: row.provider,
    keyId: row.key_id,
    model: row.model,
    status: row.status,
    failureClass: row.failure_class,
    error: row.error,
    headersMs: row.headers_ms,
    firstTokenMs: row.first_token_ms,
    totalMs: row.total_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    costUsd: row.cost,
    streamed: row.streamed === 1,
    hedged: row.hedged === 1,
    clientAborted: row.client_aborted === 1,
    attempts: row.attempts,
  };
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    index: row.idx,
    startedAt: row.started_at,
    provider: row.provider,
    model: row.model,
    keyId: row.key_id,
    status: row.status,
    outcome: row.outcome,
    failureClass: row.failure_class,
    reason: row.reason,
    headersMs: row.headers_ms,
    firstTokenMs: row.first_token_ms,
    totalMs: row.total_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    costUsd: row.cost,
    hedged: row.hedged === 1,
    holdUntil: row.hold_until,
  };
}

/** An opaque page cursor: the last row's start time and row id. */
function encodeCursor(startedAt: number, id: number): string {
  return Buffer.from(`${startedAt}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: number; id: number } | null {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { startedAt: Number(match[1]), id: Number(match[2]) } : null;
}

export class RequestLogQueryError extends Error {
  override name = 'RequestLogQueryError';
}

/**
 * The SQL for one page of the log, newest first. Every filter the Requests page offers has an
 * index that leads with it and ends in the time (migration 6), and the cursor is a keyset on
 * `(started_at, id)`: a page reads only its own rows, whether the filter matches many rows or none.
 */
export function listQuery(query: RequestLogQuery): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const filter = (condition: string, value: string | number | undefined): void => {
    if (value === undefined) return;
    where.push(condition);
    params.push(value);
  };
  filter('route = ?', query.route);
  filter('provider = ?', query.provider);
  // Written exactly as the index expression `requests_by_success`, so the planner uses it.
  if (query.status === 'ok') where.push('(status BETWEEN 200 AND 299) = 1');
  else if (query.status === 'error') where.push('(status BETWEEN 200 AND 299) = 0');
  else filter('status = ?', query.status);
  filter('started_at >= ?', query.from);
  filter('started_at < ?', query.to);
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    if (!cursor) throw new RequestLogQueryError('cursor: not a cursor this log gave out');
    where.push('(started_at, id) < (?, ?)');
    params.push(cursor.startedAt, cursor.id);
  }
  params.push(query.limit + 1);
  return {
    sql: `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY started_at DESC, id DESC LIMIT ?`,
    params,
  };
}

/** One page of the log; `droppedRows` is what the writer had to drop so far. */
export function listRequests(
  db: DatabaseSync,
  query: RequestLogQuery,
  droppedRows: number,
): RequestLogPage {
  const { sql, params } = listQuery(query);
  const rows = db.prepare(sql).all(...params) as RequestRow[];
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    ...(more && last ? { nextCursor: encodeCursor(last.started_at, last.id) } : {}),
    droppedRows,
  };
}

/** One request with its attempts (and bodies, when they were logged), or undefined. */
export function getRequest(db: DatabaseSync, id: string): RequestDetail | undefined {
  const row = db.prepare('SELECT * FROM requests WHERE request_id = ?').get(id) as
    RequestRow | undefined;
  if (!row) return undefined;
  const attempts = db
    .prepare('SELECT * FROM attempts WHERE request = ? ORDER BY idx')
    .all(row.id) as AttemptRow[];
  const body = db
    .prepare('SELECT request_body, response_body FROM bodies WHERE request = ?')
    .get(row.id) as { request_body: string | null; response_body: string | null } | undefined;
  const { attempts: _count, ...request } = toItem(row);
  return {
    request: {
      ...request,
      ...(body?.request_body != null ? { requestBody: body.request_body } : {}),
      ...(body?.response_body != null ? { responseBody: body.response_body } : {}),
    },
    attempts: attempts.map(toAttempt),
  };
}
