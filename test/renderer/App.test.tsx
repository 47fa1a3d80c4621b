import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/App.tsx';
import { useStore } from '../../renderer/src/store/index.ts';
import { fakeAdmin, stubBrowser } from './fakeAdmin.ts';

const INITIAL = useStore.getState();

async function go(hash: string) {
  await act(async () => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

beforeEach(() => {
  stubBrowser();
  useStore.setState(INITIAL, true);
  window.location.hash = '';
});
afterEach(() => vi.unstubAllGlobals());

describe('App', () => {
  it('loads the engine state once and shows the overview with live gauges and budgets', async () => {
    const calls = fakeAdmin();
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    const gauge = await screen.findByRole('region', {
      name: 'groq · personal, llama-3.1-8b-instant',
    });
    expect(within(gauge).getByTestId('gauge-status').textContent).toMatch(/^Cooling, (19|20) s$/);
    expect(screen.getByRole('meter', { name: 'Paid spend today on fast' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Pages' })).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(
      expect.arrayContaining([
        'GET /admin/status',
        'GET /admin/catalog',
        'GET /admin/quota',
        'GET /admin/keys',
      ]),
    );
  });

  it('renders every page from the navigation without losing the route draft', async () => {
    fakeAdmin();
    render(<App />);
    await screen.findByRole('heading', { level: 1, name: 'Overview' });

    await go('#/latency');
    expect(await screen.findByRole('heading', { level: 1, name: 'Latency' })).toBeTruthy();
    expect(await screen.findByRole('figure', { name: 'Latency, median (p50)' })).toBeTruthy();

    await go('#/routes');
    expect(await screen.findByRole('heading', { level: 1, name: 'Routes' })).toBeTruthy();
    const name = await screen.findByLabelText('Route name');
    await act(async () => {
      const input = name as HTMLInputElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(input, 'quick');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    expect(screen.getAllByTestId('plan-row').length).toBeGreaterThan(0);

    await go('#/providers');
    expect(await screen.findByRole('heading', { level: 1, name: 'Providers & keys' })).toBeTruthy();
    expect(screen.getByTestId('key-groq-1').textContent).toContain('••••wxyz');
    // The unsaved draft is flagged in the navigation while elsewhere, and is still there on return.
    expect(
      within(screen.getByRole('navigation', { name: 'Pages' })).getByText('unsaved'),
    ).toBeTruthy();

    await go('#/requests/req-1');
    expect(await screen.findByRole('heading', { level: 1, name: 'Requests' })).toBeTruthy();
    const attempts = await screen.findAllByTestId('attempt-sentence');
    expect(attempts.map((a) => a.textContent)).toEqual([
      '429 after 120 ms: rate limited; cooling for 20 s',
      'at +130 ms: answered in 640 ms, first token at 210 ms',
    ]);
    // Which rule chose the route, and what session affinity did.
    expect(screen.getByTestId('request-rule').textContent).toBe('rule "background"');
    expect(screen.getByTestId('request-affinity').textContent).toBe(
      'kept on openai key "openai-1" (gpt-4o-mini): same session',
    );

    await go('#/connect');
    expect(await screen.findByRole('heading', { level: 1, name: 'Connect' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Claude Code' })).toBeTruthy();
    // Snippets show the proxy key masked; the copy button carries the real one.
    expect(document.body.textContent).not.toContain('sy-test-proxy-key-123456');

    await go('#/routes');
    expect(((await screen.findByLabelText('Route name')) as HTMLInputElement).value).toBe('quick');
  });

  it('says what to do first when there are no keys and no routes', async () => {
    fakeAdmin({
      'GET /admin/keys': [],
      'GET /admin/quota': { at: Date.now(), pools: [] },
      'GET /admin/config': { version: 1, settings: {}, providers: {}, keys: [], routes: [] },
    });
    render(<App />);
    expect(
      await screen.findByRole('heading', { name: 'Add your first provider key' }),
    ).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to Providers & keys' }).getAttribute('href')).toBe(
      '#/providers',
    );
  });

  it('shows an error a person can act on when the engine is unreachable', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    render(<App />);
    await waitFor(() =>
      expect(
        screen
          .getAllByRole('alert')
          .some((a) => /^Cannot reach the Switchyard engine/.test(a.textContent ?? '')),
      ).toBe(true),
    );
    expect(screen.getAllByRole('button', { name: 'Try again' }).length).toBeGreaterThan(0);
  });
});
