import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoutesPage } from '../../../renderer/src/pages/RoutesPage.tsx';
import { useStore } from '../../../renderer/src/store/index.ts';
import { CATALOG, KEYS, route, SETTINGS } from '../fixtures.ts';
import { fakeAdmin, stubBrowser } from '../fakeAdmin.ts';

const INITIAL = useStore.getState();
const FAST = route('fast');

beforeEach(() => {
  stubBrowser();
  useStore.setState(
    {
      ...INITIAL,
      catalog: CATALOG,
      keys: KEYS,
      keysState: 'ready',
      savedRoutes: [FAST],
      draftRoutes: [FAST],
      routesState: 'ready',
      quota: { at: Date.now(), pools: [] },
    },
    true,
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('RoutesPage', () => {
  it('shows problems inline as they are typed, and will not save until they are fixed', async () => {
    const user = userEvent.setup();
    render(<RoutesPage />);
    const name = screen.getByLabelText('Route name');
    await user.clear(name);
    await user.type(name, 'my route');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    const error = document.getElementById(`${name.id}-error`);
    expect(error?.textContent).toBe(
      'route name must not contain "/" or spaces: clients send it as the model',
    );
    expect(name.getAttribute('aria-describedby')).toContain(`${name.id}-error`);
    expect(screen.getByText('1 problem to fix before saving')).toBeTruthy();
    expect(
      (screen.getByRole('button', { name: 'Save routes' }) as HTMLButtonElement).disabled,
    ).toBe(true);

    await user.clear(name);
    await user.type(name, 'quick');
    expect(name.getAttribute('aria-invalid')).toBe('false');
    expect(
      (screen.getByRole('button', { name: 'Save routes' }) as HTMLButtonElement).disabled,
    ).toBe(false);
  });

  it('saves the whole draft and says so', async () => {
    const user = userEvent.setup();
    const calls = fakeAdmin({ 'PUT /admin/routes': [{ ...FAST, paidBudgetUsdPerDay: 1.5 }] });
    render(<RoutesPage />);
    await user.type(screen.getByLabelText('Paid budget (USD per day)'), '1.5');
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save routes' }));
    expect(calls).toContainEqual({
      method: 'PUT',
      url: '/admin/routes',
      body: [{ ...FAST, paidBudgetUsdPerDay: 1.5 }],
    });
    expect(await screen.findByText('All changes saved')).toBeTruthy();
  });

  it('asks before throwing edits away', async () => {
    const user = userEvent.setup();
    render(<RoutesPage />);
    await user.click(screen.getByRole('button', { name: 'New route' }));
    expect(
      within(screen.getByRole('navigation', { name: 'Routes' })).getAllByRole('button'),
    ).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Discard…' }));
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(useStore.getState().draftRoutes).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Discard…' }));
    await user.click(screen.getByRole('button', { name: 'Discard edits' }));
    expect(useStore.getState().draftRoutes).toEqual([FAST]);
  });

  it('adds aliases as chips, flags one another route already has, and saves them', async () => {
    const user = userEvent.setup();
    const BIG = route('big', { aliases: ['claude-opus-*'] });
    useStore.setState({ savedRoutes: [BIG, FAST], draftRoutes: [BIG, FAST] });
    const saved = { ...FAST, aliases: ['claude-*-haiku-*'] };
    const calls = fakeAdmin({ 'PUT /admin/routes': [BIG, saved] });
    render(<RoutesPage />);
    await user.click(screen.getByRole('button', { name: /^fast/ }));
    const field = screen.getByLabelText('Other model names (aliases)');
    await user.type(field, 'Claude-Opus-*, claude-*-haiku-*{Enter}');
    expect((field as HTMLInputElement).value).toBe('');
    expect(screen.getByRole('alert').textContent).toBe(
      'alias "Claude-Opus-*" is already on route "big", which comes first and always wins: keep it on one route',
    );
    expect(screen.getByText('1 problem to fix before saving')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Remove alias Claude-Opus-*' }));
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save routes' }));
    expect(calls).toContainEqual({ method: 'PUT', url: '/admin/routes', body: [BIG, saved] });
  });

  it('sets the default route at once, and can clear it', async () => {
    const user = userEvent.setup();
    const settings = SETTINGS;
    useStore.setState({ settings });
    const calls = fakeAdmin({ 'PUT /admin/settings': { ...settings, defaultRoute: 'fast' } });
    render(<RoutesPage />);
    const select = screen.getByLabelText('Any other model name goes to');
    await user.selectOptions(select, 'fast');
    expect(calls).toContainEqual({
      method: 'PUT',
      url: '/admin/settings',
      body: { ...settings, defaultRoute: 'fast' },
    });
    expect(useStore.getState().settings?.defaultRoute).toBe('fast');
    expect((select as HTMLSelectElement).value).toBe('fast');

    fakeAdmin({ 'PUT /admin/settings': settings });
    await user.selectOptions(select, '');
    expect(useStore.getState().settings?.defaultRoute).toBeUndefined();
  });
});
