import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../app/admin/types.ts';
import type { LimiterPoolView } from '../../../app/limiter/view.ts';
import { remainingNow } from '../../../app/limiter/view.ts';
import { Gauge, gaugeStatus } from '../../../renderer/src/components/Gauge.tsx';
import { providerColor } from '../../../renderer/src/lib/providerColor.ts';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);

function pool(overrides: Partial<LimiterPoolView> = {}): LimiterPoolView {
  return {
    provider: 'groq',
    keyId: 'groq-1',
    model: 'llama-3.1-8b-instant',
    tier: 'free',
    status: { state: 'ready' },
    inFlight: 0,
    windows: [
      {
        window: 'rpm',
        unit: 'requests',
        limit: 30,
        remaining: 12,
        resetAt: NOW + 42_000,
        source: 'headers',
      },
      { window: 'rpd', unit: 'requests', limit: 14_400, remaining: 14_400, source: 'catalog' },
      {
        window: 'tpm',
        unit: 'tokens',
        limit: 6000,
        remaining: 600,
        resetAt: NOW + 5000,
        source: 'local',
      },
    ],
    ...overrides,
  };
}

const KEY: KeyView = {
  id: 'groq-1',
  provider: 'groq',
  label: 'personal',
  last4: 'abcd',
  tier: 'free',
  source: 'keychain',
  status: 'ok',
  createdAt: null,
};

describe('Gauge', () => {
  it('shows each window as a meter: what is left of the limit, when it refills, and where the figure comes from', () => {
    render(<Gauge pool={pool()} keyView={KEY} keychainLocked={false} now={NOW} />);
    const minute = screen.getByRole('meter', { name: 'Requests/min' });
    expect(minute.getAttribute('aria-valuenow')).toBe('12');
    expect(minute.getAttribute('aria-valuemax')).toBe('30');
    expect(minute.getAttribute('aria-valuetext')).toBe(
      "12 of 30 requests per minute left, full again in 42 s (from the provider's headers)",
    );
    const row = minute.parentElement as HTMLElement;
    expect(within(row).getByText('12 / 30')).toBeTruthy();
    expect(within(row).getByText('resets in 42 s')).toBeTruthy();
    expect(within(row).getByText('from headers').getAttribute('title')).toBe(
      "from the provider's headers",
    );
    // 12 of 30 is 40 %: the warning colour, at 40 % width.
    const fill = minute.firstElementChild as HTMLElement;
    expect(fill.className).toContain('warn');
    expect(fill.style.width).toBe('40%');

    const tokens = screen.getByRole('meter', { name: 'Tokens/min' });
    expect((tokens.firstElementChild as HTMLElement).className).toContain('bad');
    expect(within(tokens.parentElement as HTMLElement).getByText('counted locally')).toBeTruthy();

    const day = screen.getByRole('meter', { name: 'Requests/day' });
    expect(within(day.parentElement as HTMLElement).getByText('full')).toBeTruthy();
    expect(within(day.parentElement as HTMLElement).getByText('catalog limit')).toBeTruthy();
  });

  it('names the provider and key, in the provider colour, with a ready status', () => {
    render(<Gauge pool={pool()} keyView={KEY} keychainLocked={false} now={NOW} />);
    expect(screen.getByRole('heading', { name: 'groq · personal' })).toBeTruthy();
    expect(screen.getByTestId('gauge-status').textContent).toBe('Ready');
    const swatch = screen.getByRole('region').querySelector('.swatch') as HTMLElement;
    expect(swatch.style.background).toBe(hexToRgb(providerColor('groq')));
  });

  it('counts a window as full again once its reset time has passed', () => {
    const w = pool().windows[0]!;
    expect(remainingNow(w, NOW)).toBe(12);
    expect(remainingNow(w, NOW + 42_000)).toBe(30);
    render(<Gauge pool={pool()} keyView={KEY} keychainLocked={false} now={NOW + 60_000} />);
    expect(screen.getByRole('meter', { name: 'Requests/min' }).getAttribute('aria-valuenow')).toBe(
      '30',
    );
  });

  it('shows cooling with a countdown and the reason, and stops once the time has passed', () => {
    const cooling = pool({
      status: {
        state: 'cooling',
        until: NOW + 30_000,
        reason: '429: rate limited, retry after 30 s',
      },
    });
    render(<Gauge pool={cooling} keyView={KEY} keychainLocked={false} now={NOW} />);
    expect(screen.getByTestId('gauge-status').textContent).toBe('Cooling, 30 s');
    expect(screen.getByTestId('gauge-status').className).toContain('warn');
    expect(screen.getByText('429: rate limited, retry after 30 s')).toBeTruthy();
    expect(gaugeStatus(cooling, KEY, false, NOW + 30_001).label).toBe('Ready');
  });

  it('takes key health from the key, as the Providers page does, and from the pool only when keyless', () => {
    const refused = pool({ status: { state: 'invalid', reason: 'HTTP 401' } });
    expect(gaugeStatus(refused, KEY, false, NOW).label).toBe('Ready');
    expect(gaugeStatus(pool(), { ...KEY, status: 'invalid' }, false, NOW).label).toBe(
      'Key invalid',
    );
    expect(gaugeStatus(refused, undefined, false, NOW)).toMatchObject({
      label: 'Key invalid',
      reason: 'HTTP 401',
    });
  });

  it('puts the most serious status first: locked keychain, invalid key, missing secret, parked', () => {
    const parked = pool({
      status: { state: 'parked', until: NOW + 3_600_000, reason: 'daily quota spent' },
    });
    expect(gaugeStatus(parked, KEY, true, NOW)).toMatchObject({
      tone: 'neutral',
      label: 'Keychain locked',
    });
    // An env key does not need the keychain.
    expect(gaugeStatus(parked, { ...KEY, source: 'env' }, true, NOW).tone).toBe('parked');
    expect(gaugeStatus(parked, { ...KEY, status: 'invalid' }, false, NOW)).toMatchObject({
      tone: 'bad',
      label: 'Key invalid',
    });
    expect(gaugeStatus(parked, { ...KEY, status: 'missing' }, false, NOW).label).toBe(
      'Key missing',
    );
    const status = gaugeStatus(parked, KEY, false, NOW);
    expect(status.tone).toBe('parked');
    expect(status.label).toMatch(/^Parked until \d\d:\d\d/);
    expect(status.reason).toBe('daily quota spent');
    expect(
      gaugeStatus(
        pool({ status: { state: 'invalid', reason: '401: key refused' } }),
        { ...KEY, status: 'invalid' },
        false,
        NOW,
      ),
    ).toEqual({ tone: 'bad', label: 'Key invalid', reason: '401: key refused' });
  });

  it('says so when a model has no published limits', () => {
    render(<Gauge pool={pool({ windows: [] })} keychainLocked={false} now={NOW} />);
    expect(screen.queryByRole('meter')).toBeNull();
    expect(screen.getByText(/No published limits/)).toBeTruthy();
    expect(screen.getByRole('heading').textContent).toBe('groq · key groq-1');
  });
});

function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
