import { useEffect } from 'react';
import type { MetricsGroupBy, MetricsRange } from '../../../app/admin/types.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { figures, TableHead } from '../components/TableHead.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { LatencyChart, type ChartMetric } from '../components/LatencyChart.tsx';
import { ProviderName } from '../components/ProviderName.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { formatCount, formatMs, formatPercent, formatUsd } from '../lib/format.ts';
import { hrefFor } from '../lib/hashRoute.ts';
import { useStore } from '../store/index.ts';

const RANGES: Array<{ id: MetricsRange; label: string }> = [
  { id: '15m', label: '15 min' },
  { id: '1h', label: '1 h' },
  { id: '24h', label: '24 h' },
];

const GROUPS: Array<{ id: MetricsGroupBy; label: string }> = [
  { id: 'provider', label: 'By provider' },
  { id: 'model', label: 'By model' },
];

const CHARTS: Array<{
  metric: ChartMetric;
  title: string;
  description: string;
  kind: 'line' | 'area';
}> = [
  {
    metric: 'latencyP50',
    title: 'Latency, median (p50)',
    description: 'Time to the whole answer for a typical request.',
    kind: 'line',
  },
  {
    metric: 'latencyP95',
    title: 'Latency, slow tail (p95)',
    description: '1 request in 20 takes longer than this.',
    kind: 'line',
  },
  {
    metric: 'firstTokenP50',
    title: 'Time to first token (p50)',
    description: 'How long a streaming client waits before text starts.',
    kind: 'line',
  },
  {
    metric: 'tokensPerSecond',
    title: 'Generation speed',
    description: 'Output tokens per second after the first token, streamed answers.',
    kind: 'line',
  },
  {
    metric: 'errorRate',
    title: 'Error rate',
    description: 'Share of attempts that failed (rate limits, 5xx, timeouts).',
    kind: 'area',
  },
  {
    metric: 'count',
    title: 'Attempts',
    description: 'Upstream attempts per time step.',
    kind: 'area',
  },
];

function Segmented<T extends string>(props: {
  label: string;
  options: Array<{ id: T; label: string }>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <div className="segmented" role="group" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.id}
          type="button"
          aria-pressed={o.id === props.value}
          onClick={() => props.onChange(o.id)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** p50/p95 latency, time to first token, speed and errors per provider or model, over time. */
export function LatencyPage() {
  const metrics = useStore((s) => s.metrics);
  const state = useStore((s) => s.metricsState);
  const error = useStore((s) => s.metricsError);
  const range = useStore((s) => s.metricsRange);
  const groupBy = useStore((s) => s.metricsGroupBy);
  const setView = useStore((s) => s.setMetricsView);

  useEffect(() => {
    void useStore.getState().loadMetrics();
  }, []);

  const series = metrics?.series ?? [];
  return (
    <div className="stack">
      <PageHeader
        title="Latency"
        intro="How fast each provider answers, and how often it fails, one colour per provider."
      >
        <div className="row">
          <Segmented
            label="Group"
            options={GROUPS}
            value={groupBy}
            onChange={(g) => setView({ groupBy: g })}
          />
          <Segmented
            label="Time range"
            options={RANGES}
            value={range}
            onChange={(r) => setView({ range: r })}
          />
        </div>
      </PageHeader>
      {error !== null && (
        <ErrorBanner message={error} onRetry={() => void useStore.getState().loadMetrics()} />
      )}
      {metrics === null && state !== 'error' ? (
        <div className="grid grid-2">
          {CHARTS.map((c) => (
            <Skeleton key={c.metric} height={300} label="Loading charts" />
          ))}
        </div>
      ) : metrics !== null && series.length === 0 ? (
        <EmptyState
          title="No requests in this range"
          action={
            <a className="button" href={hrefFor('connect')}>
              Connect a tool or send a test request
            </a>
          }
        >
          Charts fill in as requests go through the proxy. Try a longer range, or send some traffic
          first.
        </EmptyState>
      ) : (
        <>
          <div className="grid grid-2">
            {CHARTS.map((c) => (
              <LatencyChart
                key={c.metric}
                title={c.title}
                description={c.description}
                metric={c.metric}
                kind={c.kind}
                series={series}
              />
            ))}
          </div>
          <section className="card" aria-labelledby="latency-table-title">
            <div className="card-head">
              <h2 id="latency-table-title">Totals for the range</h2>
            </div>
            <table>
              <TableHead
                columns={[
                  groupBy === 'model' ? 'Model' : 'Provider',
                  ...figures(
                    'Attempts',
                    'Errors',
                    'p50',
                    'p95',
                    'First token p50',
                    'Tokens/s',
                    'Tokens in / out',
                    'Cost',
                  ),
                ]}
              />
              <tbody>
                {series.map((s) => (
                  <tr key={s.group}>
                    <td>
                      <ProviderName id={s.group} />
                    </td>
                    <td className="num">{formatCount(s.total.count)}</td>
                    <td className="num">
                      {s.total.errors}{' '}
                      <span className="muted small">
                        ({formatPercent(s.total.count > 0 ? s.total.errors / s.total.count : 0)})
                      </span>
                    </td>
                    <td className="num">{formatMs(s.total.latencyP50)}</td>
                    <td className="num">{formatMs(s.total.latencyP95)}</td>
                    <td className="num">{formatMs(s.total.firstTokenP50)}</td>
                    <td className="num">
                      {s.total.tokensPerSecond === null ? '–' : s.total.tokensPerSecond.toFixed(1)}
                    </td>
                    <td className="num">
                      {formatCount(s.total.tokensIn)} / {formatCount(s.total.tokensOut)}
                    </td>
                    <td className="num">{formatUsd(s.total.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
