import { useEffect, useId } from 'react';
import type { RequestListItem } from '../../../app/admin/types.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { providerChoices, Select, type Choice } from '../components/Select.tsx';
import { figures, TableHead } from '../components/TableHead.tsx';
import { AttemptTimeline } from '../components/AttemptTimeline.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { ProviderName } from '../components/ProviderName.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { StatusCode } from '../components/StatusCode.tsx';
import { formatClock, formatDateTime, formatMs, formatUsd } from '../lib/format.ts';
import { hrefFor, navigate } from '../lib/hashRoute.ts';
import { useStore } from '../store/index.ts';
import type { RequestFilters, RequestSince } from '../store/requestsSlice.ts';

const SINCE: Choice<RequestSince>[] = [
  { value: '15m', label: 'Last 15 min' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 h' },
  { value: 'all', label: 'All kept' },
];

const STATUSES: Choice<string>[] = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'Succeeded' },
  { value: 'error', label: 'Failed' },
  { value: '429', label: '429 rate limited' },
  { value: '401', label: '401 unauthorized' },
  { value: '502', label: '502 bad gateway' },
  { value: '503', label: '503 unavailable' },
  { value: '504', label: '504 timeout' },
];

/** One filter of the log: a labelled select that sets its own field of the filters. */
function Filter<K extends keyof RequestFilters>(props: {
  field: K;
  label: string;
  choices: readonly Choice<RequestFilters[K]>[];
}) {
  const value = useStore((s) => s.requestFilters[props.field]);
  const setFilters = useStore((s) => s.setRequestFilters);
  const id = useId();
  return (
    <label htmlFor={id}>
      {props.label}
      <Select
        id={id}
        value={value}
        choices={props.choices}
        onChange={(next) => setFilters({ [props.field]: next })}
      />
    </label>
  );
}

function Filters() {
  const routes = useStore((s) => s.savedRoutes);
  const catalog = useStore((s) => s.catalog);
  const providers = (catalog?.providers ?? []).filter((p) => p.template !== true);
  return (
    <form className="row" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <Filter
        field="route"
        label="Route"
        choices={[{ value: '', label: 'All routes' }, ...routes.map((r) => r.name)]}
      />
      <Filter
        field="provider"
        label="Provider"
        choices={[{ value: '', label: 'All providers' }, ...providerChoices(providers)]}
      />
      <Filter field="status" label="Status" choices={STATUSES} />
      <Filter field="since" label="Time" choices={SINCE} />
    </form>
  );
}

/** Today's requests by time alone; older ones with their date. */
function whenShort(epochMs: number): string {
  return new Date(epochMs).toDateString() === new Date().toDateString()
    ? formatClock(epochMs, true)
    : formatDateTime(epochMs);
}

function RequestRow(props: { item: RequestListItem; selected: boolean }) {
  const { item } = props;
  const open = () => navigate('requests', item.id);
  return (
    <tr className="clickable" aria-selected={props.selected} onClick={open}>
      <td>
        <a
          href={hrefFor('requests', item.id)}
          onClick={(e) => e.stopPropagation()}
          aria-label={`Request ${item.requestedModel} at ${formatDateTime(item.startedAt)}`}
        >
          {whenShort(item.startedAt)}
        </a>
      </td>
      <td>
        <span className="mono small">{item.requestedModel}</span>
      </td>
      <td>{item.provider !== null ? <ProviderName id={item.provider} /> : '–'}</td>
      <td>
        <StatusCode status={item.status} />
      </td>
      <td className="num">
        {item.attempts}
        {item.attempts > 1 && (
          <span className="pill warn" style={{ marginLeft: 6 }}>
            failover
          </span>
        )}
      </td>
      <td className="num">{formatMs(item.totalMs)}</td>
      <td className="num">{formatMs(item.firstTokenMs)}</td>
    </tr>
  );
}

function Detail(props: { id: string }) {
  const detail = useStore((s) => s.detail);
  const error = useStore((s) => s.detailError);
  const keys = useStore((s) => s.keys);
  useEffect(() => {
    void useStore.getState().loadDetail(props.id);
  }, [props.id]);
  const keyLabel = (id: string) => keys.find((k) => k.id === id)?.label ?? id;
  if (error !== null && detail?.request.id !== props.id) return <ErrorBanner message={error} />;
  if (detail === null || detail.request.id !== props.id) {
    return <Skeleton height={220} label="Loading request" />;
  }
  const r = detail.request;
  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="row spread">
        <h2>
          <span className="mono">{r.requestedModel}</span>
        </h2>
        <StatusCode status={r.status} />
      </div>
      <dl
        className="small"
        style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '2px 12px', margin: 0 }}
      >
        <dt className="muted">Started</dt>
        <dd style={{ margin: 0 }}>{formatDateTime(r.startedAt)}</dd>
        <dt className="muted">Route</dt>
        <dd style={{ margin: 0 }}>{r.route ?? 'direct provider/model'}</dd>
        <dt className="muted">Chosen by</dt>
        <dd style={{ margin: 0 }} data-testid="request-rule">
          {r.rule === 'x-switchyard-route'
            ? 'the x-switchyard-route header'
            : r.rule != null
              ? `rule "${r.rule}"`
              : 'the model name'}
        </dd>
        {r.affinity != null && (
          <>
            <dt className="muted">Session</dt>
            <dd style={{ margin: 0 }} data-testid="request-affinity">
              {r.affinity}
            </dd>
          </>
        )}
        <dt className="muted">Endpoint</dt>
        <dd style={{ margin: 0 }}>
          {r.kind} ({r.inboundFormat}){r.streamed ? ', streamed' : ''}
        </dd>
        <dt className="muted">Total</dt>
        <dd style={{ margin: 0 }}>
          {formatMs(r.totalMs)}
          {r.firstTokenMs !== null ? `, first token at ${formatMs(r.firstTokenMs)}` : ''}
        </dd>
        <dt className="muted">Cost</dt>
        <dd style={{ margin: 0 }}>{formatUsd(r.costUsd)}</dd>
        <dt className="muted">Request id</dt>
        <dd style={{ margin: 0 }} className="mono">
          {r.id}
        </dd>
      </dl>
      {r.error !== null && (
        <div className="banner bad">
          <span>{r.error}</span>
        </div>
      )}
      {r.clientAborted && (
        <div className="banner warn">The client hung up before the answer was complete.</div>
      )}
      <h3>Attempts</h3>
      {detail.attempts.length === 0 ? (
        <p className="muted">No provider was tried: the request was refused before routing.</p>
      ) : (
        <AttemptTimeline detail={detail} keyLabel={keyLabel} />
      )}
      {r.requestBody !== undefined && (
        <details>
          <summary>Request body (secrets redacted)</summary>
          <pre className="snippet">{r.requestBody}</pre>
        </details>
      )}
      {r.responseBody !== undefined && (
        <details>
          <summary>Response body</summary>
          <pre className="snippet">{r.responseBody}</pre>
        </details>
      )}
    </div>
  );
}

/** The request log, filterable, with one request's attempts as a timeline beside it. */
export function RequestsPage(props: { param: string | null }) {
  const items = useStore((s) => s.requests);
  const state = useStore((s) => s.requestsState);
  const error = useStore((s) => s.requestsError);
  const cursor = useStore((s) => s.requestsCursor);
  const dropped = useStore((s) => s.droppedRows);
  const filters = useStore((s) => s.requestFilters);
  const filtered = filters.route !== '' || filters.provider !== '' || filters.status !== '';

  useEffect(() => {
    void useStore.getState().loadRequests();
  }, []);

  return (
    <div className="stack">
      <PageHeader
        title="Requests"
        intro="Every request through the proxy, newest first; pick one to see each attempt."
      />
      <Filters />
      {error !== null && (
        <ErrorBanner message={error} onRetry={() => void useStore.getState().loadRequests()} />
      )}
      {dropped > 0 && (
        <div className="banner warn">
          The log could not keep up and dropped {dropped} rows since the engine started.
        </div>
      )}
      <div className="requests-layout">
        <section
          className="card"
          aria-label="Request log"
          style={{ minHeight: 320, overflowX: 'auto' }}
        >
          {state === 'loading' && items.length === 0 ? (
            <Skeleton height={32} count={8} label="Loading requests" />
          ) : items.length === 0 ? (
            <EmptyState
              title={filtered ? 'No requests match these filters' : 'No requests yet'}
              action={
                filtered ? undefined : (
                  <a className="button" href={hrefFor('connect')}>
                    Connect a tool
                  </a>
                )
              }
            >
              {filtered
                ? 'Widen the time range or clear a filter.'
                : 'Point a tool at the proxy URL, or send a test request from Connect.'}
            </EmptyState>
          ) : (
            <>
              <table className="compact">
                <TableHead
                  columns={[
                    'Time',
                    'Model asked',
                    'Answered by',
                    'Status',
                    ...figures('Attempts', 'Total', 'First token'),
                  ]}
                />
                <tbody>
                  {items.map((item) => (
                    <RequestRow key={item.id} item={item} selected={item.id === props.param} />
                  ))}
                </tbody>
              </table>
              {cursor !== null && (
                <div className="row" style={{ justifyContent: 'center', marginTop: 10 }}>
                  <button
                    type="button"
                    onClick={() => void useStore.getState().loadOlderRequests()}
                  >
                    Load older requests
                  </button>
                </div>
              )}
            </>
          )}
        </section>
        <aside className="card" aria-label="Request detail" style={{ minHeight: 320 }}>
          {props.param === null ? (
            <EmptyState title="Pick a request">
              Its attempts appear here: which target was tried, what it answered and how long it
              took.
            </EmptyState>
          ) : (
            <Detail id={props.param} />
          )}
        </aside>
      </div>
    </div>
  );
}
