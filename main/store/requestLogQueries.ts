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
 * The statuses a `status` filter stands for: one HTTP status as given; `ok` and `error` the 2xx
 * statuses and all others the log holds, found one index probe per distinct status (a handful).
 * Undefined without a status filter.
 */
export function filterStatuses(
  db: DatabaseSync,
  status: RequestLogQuery['status'],
): number[] | undefined {
  if (status === undefined) return undefined;
  if (typeof status === 'number') return [status];
  const next = db.prepare('SELECT min(status) AS status FROM requests WHERE status > ?');
  const present: number[] = [];
  for (let after = -1; ;) {
    const row = next.get(after) as { status: number | null } | undefined;
    if (row?.status == null) break;
    present.push((after = row.status));
  }
  return present.filter((s) => (s >= 200 && s <= 299) === (status === 'ok'));
}

/**
 * The SQL for one page of the log, newest first. Every filter the Requests page offers has an
 * index that leads with it and ends in the time (migration 7), and the cursor is a keyset on
 * `(started_at, id)`: a page reads only its own rows, whether the filter matches many rows or none.
 * A status filter reads `requests_by_status` once per status it stands for (`filterStatuses`,
 * non-empty), merging the time-ordered reads as SQLite merges a UNION ALL: `ok` and `error` need
 * no index of their own (one fewer to update per row written).
 */
export function listQuery(
  query: RequestLogQuery,
  statuses?: readonly number[],
): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const filter = (condition: string, value: string | number | undefined): void => {
    if (value === undefined) return;
    where.push(condition);
    params.push(value);
  };
  filter('route = ?', query.route);
  filter('provider = ?', query.provider);
  filter('started_at >= ?', query.from);
  filter('started_at < ?', query.to);
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    if (!cursor) throw new RequestLogQueryError('cursor: not a cursor this log gave out');
    where.push('(started_at, id) < (?, ?)');
    params.push(cursor.startedAt, cursor.id);
  }
  const order = `ORDER BY started_at DESC, id DESC LIMIT ?`;
  if (statuses === undefined)
    return {
      sql: `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${order}`,
      params: [...params, query.limit + 1],
    };
  const arm = `SELECT * FROM requests WHERE ${['status = ?', ...where].join(' AND ')}`;
  return {
    sql: `${statuses.map(() => arm).join(' UNION ALL ')} ${order}`,
    params: [...statuses.flatMap((status) => [status, ...params]), query.limit + 1],
  };
}

/** One page of the log; `droppedRows` is what the writer had to drop so far. */
export function listRequests(
  db: DatabaseSync,
  query: RequestLogQuery,
  droppedRows: number,
): RequestLogPage {
  const statuses = filterStatuses(db, query.status);
  // Checked first: a bad cursor is an error even where no status matches.
  const { sql, params } = listQuery(query, statuses);
  if (statuses?.length === 0) return { items: [], droppedRows };
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
