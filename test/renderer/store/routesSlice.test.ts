import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Route } from '../../../app/config/schema.ts';
import { createDashboardStore } from '../../../renderer/src/store/index.ts';
import { hasUnsavedRoutes } from '../../../renderer/src/store/routesSlice.ts';

const FAST: Route = {
  name: 'fast',
  targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
};

let engineRoutes: Route[];
let putAnswer: { status: number; body: unknown } | null;

beforeEach(() => {
  engineRoutes = [FAST];
  putAnswer = null;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/admin/config') {
        return Response.json({
          version: 1,
          settings: { detectSensitive: true },
          providers: {},
          keys: [],
          routes: engineRoutes,
        });
      }
      if (url === '/admin/routes' && init.method === 'PUT') {
        if (putAnswer) return Response.json(putAnswer.body, { status: putAnswer.status });
        engineRoutes = JSON.parse(String(init.body)) as Route[];
        return Response.json(engineRoutes);
      }
      return Response.json({ error: { message: 'unexpected' } }, { status: 404 });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('routes slice', () => {
  it('loads the engine’s routes as both saved and draft', async () => {
    const store = createDashboardStore();
    await store.getState().loadRoutes();
    expect(store.getState().draftRoutes).toEqual([FAST]);
    expect(hasUnsavedRoutes(store.getState())).toBe(false);
    expect(store.getState().settings?.detectSensitive).toBe(true);
  });

  it('never replaces unsaved edits when the engine’s routes change, and says they changed', async () => {
    const store = createDashboardStore();
    await store.getState().loadRoutes();
    store.getState().updateDraftRoute(0, (r) => ({ ...r, name: 'quick' }));
    expect(hasUnsavedRoutes(store.getState())).toBe(true);

    engineRoutes = [FAST, { ...FAST, name: 'smart' }];
    await store.getState().loadRoutes();
    expect(store.getState().draftRoutes.map((r) => r.name)).toEqual(['quick']);
    expect(store.getState().savedRoutes.map((r) => r.name)).toEqual(['fast', 'smart']);
    expect(store.getState().routesChangedElsewhere).toBe(true);

    store.getState().discardDraft();
    expect(store.getState().draftRoutes.map((r) => r.name)).toEqual(['fast', 'smart']);
    expect(store.getState().routesChangedElsewhere).toBe(false);
  });

  it('follows the engine when there is nothing unsaved', async () => {
    const store = createDashboardStore();
    await store.getState().loadRoutes();
    engineRoutes = [];
    await store.getState().loadRoutes();
    expect(store.getState().draftRoutes).toEqual([]);
    expect(store.getState().routesChangedElsewhere).toBe(false);
  });

  it('saves the draft through PUT /admin/routes', async () => {
    const store = createDashboardStore();
    await store.getState().loadRoutes();
    store.getState().setDraftRoutes([{ ...FAST, paidBudgetUsdPerDay: 2 }]);
    expect(await store.getState().saveRoutes()).toBe(true);
    expect(engineRoutes).toEqual([{ ...FAST, paidBudgetUsdPerDay: 2 }]);
    expect(hasUnsavedRoutes(store.getState())).toBe(false);
  });

  it('keeps the draft and lists the engine’s field issues, as sent, when it refuses a save', async () => {
    const store = createDashboardStore();
    await store.getState().loadRoutes();
    store.getState().setDraftRoutes([{ ...FAST, targets: [] }]);
    putAnswer = {
      status: 400,
      body: {
        error: {
          message: 'The routes were refused.',
          code: 'invalid_body',
          issues: [
            { path: '[0].targets', message: 'a route needs at least one target' },
            { path: '[0].name', message: 'bad' },
          ],
        },
      },
    };
    expect(await store.getState().saveRoutes()).toBe(false);
    expect(store.getState().saveProblems).toEqual([
      '[0].targets: a route needs at least one target',
      '[0].name: bad',
    ]);
    expect(store.getState().draftRoutes[0]?.targets).toEqual([]);
    expect(hasUnsavedRoutes(store.getState())).toBe(true);
  });
});
