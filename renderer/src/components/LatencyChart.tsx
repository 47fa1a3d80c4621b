import { useId } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MetricsPoint, MetricsSeries } from '../../../app/admin/types.ts';
import { formatClock, formatCount, formatMs, formatPercent } from '../lib/format.ts';
import { providerColor } from '../lib/providerColor.ts';

/** Which figure of a metrics point a chart draws, and how its unit reads. */
export type ChartMetric =
  'latencyP50' | 'latencyP95' | 'firstTokenP50' | 'tokensPerSecond' | 'errorRate' | 'count';

type MetricSpec = {
  read: (p: MetricsPoint) => number | null;
  format: (v: number) => string;
  axis: (v: number) => string;
  unit: string;
};

export const METRICS: Record<ChartMetric, MetricSpec> = {
  latencyP50: { read: (p) => p.latencyP50, format: formatMs, axis: axisMs, unit: 'ms' },
  latencyP95: { read: (p) => p.latencyP95, format: formatMs, axis: axisMs, unit: 'ms' },
  firstTokenP50: { read: (p) => p.firstTokenP50, format: formatMs, axis: axisMs, unit: 'ms' },
  tokensPerSecond: {
    read: (p) => p.tokensPerSecond,
    format: (v) => `${v.toFixed(v < 10 ? 1 : 0)} tok/s`,
    axis: (v) => formatCount(v),
    unit: 'tokens/s',
  },
  errorRate: {
    read: (p) => (p.count === 0 ? null : p.errors / p.count),
    format: formatPercent,
    axis: (v) => `${Math.round(v * 100)}%`,
    unit: '%',
  },
  count: {
    read: (p) => p.count,
    format: (v) => `${formatCount(v)} req`,
    axis: (v) => formatCount(v),
    unit: 'requests',
  },
};

/** Axis ticks stay in the axis label's unit (ms), shortened with k past ten seconds. */
function axisMs(v: number): string {
  return v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v));
}

/** One row per time step, one column per group: the shape recharts draws. */
export function chartRows(series: readonly MetricsSeries[], metric: ChartMetric) {
  const read = METRICS[metric].read;
  const byTime = new Map<number, Record<string, number | null>>();
  for (const s of series) {
    for (const point of s.points) {
      const row = byTime.get(point.t) ?? { t: point.t };
      row[s.group] = read(point);
      byTime.set(point.t, row);
    }
  }
  return [...byTime.values()].sort((a, b) => (a.t as number) - (b.t as number));
}

/** Dash patterns tell apart models of one provider, which share the provider's colour. */
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3'];

function dashFor(series: readonly MetricsSeries[], group: string): string | undefined {
  const provider = group.split('/', 1)[0];
  const siblings = series.filter((s) => s.group.split('/', 1)[0] === provider).map((s) => s.group);
  return DASHES[siblings.indexOf(group) % DASHES.length];
}

type TooltipEntry = { dataKey?: unknown; value?: unknown; color?: string };

function ChartTooltip(props: {
  active?: boolean;
  payload?: readonly TooltipEntry[];
  label?: unknown;
  metric: ChartMetric;
}) {
  if (!props.active || !props.payload || props.payload.length === 0) return null;
  const spec = METRICS[props.metric];
  return (
    <div className="chart-tooltip">
      <strong>{typeof props.label === 'number' ? formatClock(props.label) : ''}</strong>
      <ul>
        {props.payload.map((entry) => (
          <li key={String(entry.dataKey)}>
            <span className="swatch" style={{ background: providerColor(String(entry.dataKey)) }} />
            <span>{String(entry.dataKey)}</span>
            <strong style={{ marginLeft: 'auto' }}>
              {typeof entry.value === 'number' ? spec.format(entry.value) : 'no data'}
            </strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

export type LatencyChartProps = {
  title: string;
  /** One sentence under the title: what the figure means. */
  description: string;
  metric: ChartMetric;
  series: readonly MetricsSeries[];
  kind?: 'line' | 'area';
  /** Fixed size for tests; otherwise the chart fills its frame. */
  width?: number;
  height?: number;
};

/**
 * A time chart of one metric with one line per provider (or provider/model), in the
 * provider's colour, with the unit on the axis and in the tooltip.
 */
export function LatencyChart(props: LatencyChartProps) {
  const titleId = useId();
  const spec = METRICS[props.metric];
  const rows = chartRows(props.series, props.metric);
  const groups = props.series.map((s) => s.group);
  const hasData = rows.some((row) => groups.some((g) => typeof row[g] === 'number'));
  const kind = props.kind ?? 'line';
  // A line needs two points to show; a group with fewer gets its points drawn as dots.
  const sparse = (group: string) => rows.filter((row) => typeof row[group] === 'number').length < 3;
  const common = {
    data: rows,
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
    accessibilityLayer: true,
    ...(props.width !== undefined ? { width: props.width, height: props.height ?? 230 } : {}),
  };
  const axes = [
    <CartesianGrid key="grid" stroke="var(--border)" strokeDasharray="3 3" vertical={false} />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      scale="time"
      domain={['dataMin', 'dataMax']}
      tickFormatter={(t: number) => formatClock(t)}
      stroke="var(--text-muted)"
      fontSize={11}
      minTickGap={40}
    />,
    <YAxis
      key="y"
      tickFormatter={spec.axis}
      stroke="var(--text-muted)"
      fontSize={11}
      width={48}
      label={{
        value: spec.unit,
        angle: -90,
        position: 'insideLeft',
        fill: 'var(--text-muted)',
        fontSize: 11,
      }}
      {...(props.metric === 'errorRate' ? { domain: [0, 1] } : {})}
    />,
    <Tooltip key="tip" content={<ChartTooltip metric={props.metric} />} />,
  ];
  // What a group's area and its line share: colour, dashes, dots when sparse, no animation.
  const seriesProps = (g: string) => ({
    type: 'monotone' as const,
    dataKey: g,
    name: g,
    stroke: providerColor(g),
    strokeDasharray: dashFor(props.series, g),
    dot: sparse(g) ? { r: 3, fill: providerColor(g) } : (false as const),
    connectNulls: true,
    isAnimationActive: false,
  });
  const chart =
    kind === 'area' ? (
      <AreaChart {...common}>
        {axes}
        {groups.map((g) => (
          <Area key={g} {...seriesProps(g)} fill={providerColor(g)} fillOpacity={0.18} />
        ))}
      </AreaChart>
    ) : (
      <LineChart {...common}>
        {axes}
        {groups.map((g) => (
          <Line key={g} {...seriesProps(g)} strokeWidth={2} />
        ))}
      </LineChart>
    );
  return (
    <figure className="card chart-card" aria-labelledby={titleId} style={{ margin: 0 }}>
      <div className="card-head">
        <div>
          <h3 id={titleId}>{props.title}</h3>
          <p className="small muted" style={{ margin: '2px 0 0' }}>
            {props.description}
          </p>
        </div>
      </div>
      <div className="chart-frame">
        {!hasData ? (
          <div className="empty" style={{ height: '100%', justifyContent: 'center' }}>
            No samples in this range yet.
          </div>
        ) : props.width !== undefined ? (
          chart
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            {chart}
          </ResponsiveContainer>
        )}
      </div>
      <figcaption className="chart-legend">
        {groups.map((g) => (
          <span key={g} className="row" style={{ gap: 5 }}>
            <span className="swatch" style={{ background: providerColor(g) }} aria-hidden="true" />
            {g}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
