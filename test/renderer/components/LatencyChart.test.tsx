import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MetricsPoint, MetricsSeries, MetricsStats } from '../../../app/admin/types.ts';
import {
  LatencyChart,
  METRICS,
  type LatencyChartProps,
  chartRows,
} from '../../../renderer/src/components/LatencyChart.tsx';
import { providerColor } from '../../../renderer/src/lib/providerColor.ts';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const STEP = 60_000;

function stats(overrides: Partial<MetricsStats> = {}): MetricsStats {
  return {
    count: 10,
    errors: 1,
    latencyP50: 400,
    latencyP95: 1200,
    latencyP99: 1500,
    firstTokenP50: 150,
    firstTokenP95: 300,
    tokensPerSecond: 80,
    tokensIn: 1000,
    tokensOut: 500,
    costUsd: 0,
    ...overrides,
  };
}

function series(group: string, p50s: Array<number | null>): MetricsSeries {
  const points: MetricsPoint[] = p50s.map((p50, i) => ({
    ...stats({ latencyP50: p50, count: p50 === null ? 0 : 10, errors: i }),
    t: T0 + i * STEP,
  }));
  return { group, points, total: stats() };
}

const SERIES = [series('groq', [300, 320, null, 310]), series('mistral', [900, 850, 1000, 950])];

/** The chart at a fixed size (jsdom has no layout), over SERIES unless told otherwise. */
function drawChart(overrides: Partial<LatencyChartProps>) {
  return render(
    <LatencyChart
      title="p50"
      description="."
      metric="latencyP50"
      series={SERIES}
      width={600}
      {...overrides}
    />,
  );
}

describe('LatencyChart', () => {
  it('lays the series out as one row per time step and one column per provider', () => {
    const rows = chartRows(SERIES, 'latencyP50');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ t: T0, groq: 300, mistral: 900 });
    expect(rows[2]).toEqual({ t: T0 + 2 * STEP, groq: null, mistral: 1000 });
    // Error rate is errors / attempts, and no attempts is no figure rather than 0 %.
    const errors = chartRows(SERIES, 'errorRate');
    expect(errors[1]).toEqual({ t: T0 + STEP, groq: 0.1, mistral: 0.1 });
    expect(errors[2]?.groq).toBeNull();
  });

  it('formats values with their unit for the tooltip and axis', () => {
    expect(METRICS.latencyP50.format(412)).toBe('412 ms');
    expect(METRICS.latencyP95.format(2350)).toBe('2.35 s');
    expect(METRICS.errorRate.format(0.125)).toBe('13 %');
    expect(METRICS.tokensPerSecond.format(82.4)).toBe('82 tok/s');
    expect(METRICS.latencyP50.axis(2500)).toBe('2500');
    expect(METRICS.latencyP95.axis(25_000)).toBe('25k');
  });

  it('draws one line per provider in the provider colour, with a titled figure and a legend', () => {
    const { container } = drawChart({
      title: 'Latency, median (p50)',
      description: 'Time to the whole answer.',
      height: 230,
    });
    expect(screen.getByRole('figure', { name: 'Latency, median (p50)' })).toBeTruthy();
    const lines = [...container.querySelectorAll('.recharts-line-curve')];
    expect(lines.map((l) => l.getAttribute('stroke')).sort()).toEqual(
      [providerColor('groq'), providerColor('mistral')].sort(),
    );
    const legend = container.querySelector('figcaption') as HTMLElement;
    expect(legend.textContent).toBe('groqmistral');
    const swatches = [...legend.querySelectorAll<HTMLElement>('.swatch')];
    expect(swatches).toHaveLength(2);
    // The y axis carries the unit.
    expect(container.querySelector('.recharts-label')?.textContent).toBe('ms');
  });

  it('gives models of one provider the provider colour and tells them apart by dash pattern', () => {
    const { container } = drawChart({
      series: [
        series('groq/llama-3.1-8b-instant', [300, 310]),
        series('groq/qwen/qwen3-32b', [500, 520]),
      ],
    });
    const lines = [...container.querySelectorAll('.recharts-line-curve')];
    expect(lines.map((l) => l.getAttribute('stroke'))).toEqual([
      providerColor('groq'),
      providerColor('groq'),
    ]);
    expect(lines.map((l) => l.getAttribute('stroke-dasharray') ?? 'solid')).toEqual([
      'solid',
      '6 3',
    ]);
  });

  it('draws areas for the area kind', () => {
    const { container } = drawChart({ title: 'Errors', metric: 'errorRate', kind: 'area' });
    expect(container.querySelectorAll('.recharts-area-area')).toHaveLength(2);
  });

  it('says there is nothing to draw instead of drawing empty axes', () => {
    drawChart({ title: 'Generation speed', series: [series('groq', [null, null])] });
    expect(screen.getByText('No samples in this range yet.')).toBeTruthy();
  });
});
