import type { Route } from '../../../app/config/schema.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Gauge } from '../components/Gauge.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { TeamPanel } from '../components/TeamPanel.tsx';
import { formatPercent, formatUsd } from '../lib/format.ts';
import { hrefFor } from '../lib/hashRoute.ts';
import { liveStats } from '../lib/liveCounts.ts';
import { useNow } from '../lib/useNow.ts';
import { useStore } from '../store/index.ts';

function Stat(props: { label: string; value: string; detail?: string }) {
  return (
    <div className="card">
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      <div className="small muted" style={{ minHeight: '1.3em' }}>
        {props.detail ?? ''}
      </div>
    </div>
  );
}

function BudgetRow(props: { route: Route; spent: number }) {
  const cap = props.route.paidBudgetUsdPerDay;
  const ratio = cap === undefined || cap === 0 ? (props.spent > 0 ? 1 : 0) : props.spent / cap;
  const tone = ratio >= 1 ? 'bad' : ratio > 0.75 ? 'warn' : 'ok';
  return (
    <li className="stack" style={{ gap: 4 }}>
      <div className="row spread">
        <strong>{props.route.name}</strong>
        <span className="small">
          {formatUsd(props.spent)}{' '}
          {cap !== undefined ? `of ${formatUsd(cap)} today` : 'today, no cap'}
        </span>
      </div>
      {cap !== undefined && (
        <div
          className="budget-track"
          role="meter"
          aria-label={`Paid spend today on ${props.route.name}`}
          aria-valuemin={0}
          aria-valuemax={cap}
          aria-valuenow={props.spent}
          aria-valuetext={`${formatUsd(props.spent)} of ${formatUsd(cap)} spent today`}
        >
          <div className={`meter-fill ${tone}`} style={{ width: `${Math.min(1, ratio) * 100}%` }} />
        </div>
      )}
    </li>
  );
}

/** Quota left per provider and key, live traffic, and paid spend against each route's cap. */
export function OverviewPage() {
  const now = useNow(1000);
  const quota = useStore((s) => s.quota);
  const quotaState = useStore((s) => s.quotaState);
  const quotaError = useStore((s) => s.quotaError);
  const keys = useStore((s) => s.keys);
  const keysState = useStore((s) => s.keysState);
  const keychain = useStore((s) => s.keychain);
  const routes = useStore((s) => s.savedRoutes);
  const seeded = useStore((s) => s.seededMinutes);
  const recent = useStore((s) => s.recent);
  const inFlight = useStore((s) => s.inFlight);
  const spendByRoute = useStore((s) => s.spendByRoute);
  const team = useStore((s) => s.engine?.team);
  const stats = liveStats(seeded, recent, now);
  const keychainLocked = keychain?.state === 'locked';
  const loading = quota === null && quotaState !== 'error';
  const pools = quota?.pools ?? [];

  return (
    <div className="stack">
      <PageHeader
        title="Overview"
        intro="Quota left on every key, and what the proxy is doing right now."
      />

      <section aria-label="Live traffic" className="grid stats">
        <Stat
          label="Requests per minute"
          value={String(stats.lastMinute)}
          detail={`${stats.total} in the last 15 min`}
        />
        <Stat
          label="Errors, last 15 min"
          value={String(stats.errors)}
          detail={stats.total > 0 ? `${formatPercent(stats.errors / stats.total)} of requests` : ''}
        />
        <Stat
          label="Failovers, last 15 min"
          value={String(stats.failovers)}
          detail="requests that moved to another target"
        />
        <Stat label="In flight" value={String(inFlight)} detail="requests being answered now" />
      </section>

      {keychainLocked && (
        <div className="banner warn" role="alert">
          The OS keychain is locked: keys stored there cannot be used until you unlock it.{' '}
          {keychain.message}
        </div>
      )}

      {routes.length > 0 && (
        <section className="card" aria-labelledby="budget-title">
          <div className="card-head">
            <h2 id="budget-title">Paid spend today</h2>
            <span className="small muted">counted on paid keys only</span>
          </div>
          <ul className="stack" style={{ listStyle: 'none', margin: 0, padding: 0, gap: 10 }}>
            {routes.map((route) => (
              <BudgetRow key={route.name} route={route} spent={spendByRoute[route.name] ?? 0} />
            ))}
          </ul>
        </section>
      )}

      {team !== undefined && <TeamPanel team={team} />}

      <section aria-labelledby="quota-title" className="stack">
        <div className="row spread">
          <h2 id="quota-title">Quota by provider and key</h2>
          {quota !== null && (
            <span className="small muted" aria-live="polite">
              {pools.length} {pools.length === 1 ? 'pool' : 'pools'}
            </span>
          )}
        </div>
        {quotaError !== null && (
          <ErrorBanner message={quotaError} onRetry={() => void useStore.getState().loadQuota()} />
        )}
        {loading ? (
          <div className="grid grid-3">
            <Skeleton height={150} label="Loading quota" />
            <Skeleton height={150} label="Loading quota" />
            <Skeleton height={150} label="Loading quota" />
          </div>
        ) : pools.length === 0 ? (
          keysState === 'ready' && keys.length === 0 ? (
            <EmptyState
              title="Add your first provider key"
              action={
                <a className="button" href={hrefFor('providers')}>
                  Go to Providers &amp; keys
                </a>
              }
            >
              Switchyard routes requests through your own keys. Paste a free-tier key from Groq,
              Gemini, Mistral, OpenRouter or Cerebras, or import them from environment variables.
            </EmptyState>
          ) : (
            <EmptyState
              title={routes.length === 0 ? 'Draw your first route' : 'No quota counted yet'}
              action={
                routes.length === 0 ? (
                  <a className="button" href={hrefFor('routes')}>
                    Go to Routes
                  </a>
                ) : (
                  <a className="button" href={hrefFor('connect')}>
                    Send a test request
                  </a>
                )
              }
            >
              {routes.length === 0
                ? 'A route is the model name your tools ask for, and the chain of provider models that answer it.'
                : 'Gauges appear once a route uses a key; send a request through a route to start counting.'}
            </EmptyState>
          )
        ) : (
          <div className="grid grid-3">
            {pools.map((pool) => (
              <Gauge
                key={`${pool.provider}|${pool.keyId ?? ''}|${pool.model ?? '*'}`}
                pool={pool}
                keyView={keys.find((k) => k.id === pool.keyId)}
                keychainLocked={keychainLocked}
                now={now}
              />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
