import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Route } from '../../../app/config/schema.ts';
import { RoutesPage } from '../../../renderer/src/pages/RoutesPage.tsx';
import { useStore } from '../../../renderer/src/store/index.ts';
import { CATALOG, KEYS } from '../fixtures.ts';
import { fakeAdmin, stubBrowser } from '../fakeAdmin.ts';

const INITIAL = useStore.getState();
const FAST: Route = {
  name: 'fast',
  targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
};

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
});
