import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../app/config/schema.ts';
import type { LimiterPoolView, LimiterView } from '../../../app/limiter/view.ts';
import { PlanPreview } from '../../../renderer/src/components/PlanPreview.tsx';
import {
  previewCandidates,
  limiterStateFromView,
  previewPlan,
  previewRows,
} from '../../../renderer/src/lib/planPreview.ts';
import { CATALOG, KEYS } from '../fixtures.ts';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);

const ROUTE: Route = {
  name: 'fast',
  targets: [
    { provider: 'groq', model: 'llama-3.1-8b-instant' },
    { provider: 'gemini', model: 'gemini-2.5-flash' },
    { provider: 'openai', model: 'gpt-4o-mini' },
  ],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
};

function pool(overrides: Partial<LimiterPoolView>): LimiterPoolView {
  return {
    provider: 'groq',
    keyId: 'groq-1',
    model: 'llama-3.1-8b-instant',
    tier: 'free',
    status: { state: 'ready' },
    windows: [],
    inFlight: 0,
    ...overrides,
  };
}

function view(pools: LimiterPoolView[]): LimiterView {
  return { at: NOW, pools };
}

const COOLING = pool({
  status: { state: 'cooling', until: NOW + 30_000, reason: '429 from Groq: retry after 30 s.' },
});

function rows() {
  return screen.getAllByTestId('plan-row').map((li) => ({
    kind: li.getAttribute('data-kind'),
    text: li.textContent ?? '',
  }));
}

describe('plan preview helpers', () => {
  it('expands each target to the provider’s keys in order, a pinned key alone, and a keyless server without one', () => {
    const { candidates, unusable } = previewCandidates(
      {
        ...ROUTE,
        targets: [
          { provider: 'groq', model: 'llama-3.1-8b-instant' },
          { provider: 'groq', model: 'qwen/qwen3-32b', key: 'groq-2' },
          { provider: 'ollama', model: 'llama3.1:8b' },
          { provider: 'mistral', model: 'mistral-small' },
          { provider: 'openai', model: 'gpt-4o-mini', key: 'gone' },
        ],
      },
      CATALOG,
      KEYS,
    );
    expect(
      candidates.map((c) => `${c.provider.id}/${c.model}@${c.keyId ?? '-'}:${c.tier}`),
    ).toEqual([
      'groq/llama-3.1-8b-instant@groq-1:free',
      'groq/llama-3.1-8b-instant@groq-2:free',
      'groq/qwen/qwen3-32b@groq-2:free',
      'ollama/llama3.1:8b@-:free',
    ]);
    expect(unusable).toEqual([
      'mistral/mistral-small: the provider is not in the catalog or is disabled.',
      'OpenAI (gpt-4o-mini): no key "gone"; pick another key or the provider\'s pool.',
    ]);
  });

  it('rebuilds the limiter state from the quota view: holds, invalid keys and what is left until the reset', () => {
    const state = limiterStateFromView(
      view([
        COOLING,
        pool({ keyId: 'groq-2', status: { state: 'invalid', reason: '401' } }),
        pool({
          provider: 'gemini',
          keyId: 'gemini-1',
          model: 'gemini-2.5-flash',
          windows: [
            {
              window: 'rpm',
              unit: 'requests',
              limit: 10,
              remaining: 0,
              resetAt: NOW + 20_000,
              source: 'local',
            },
            {
              window: 'rpd',
              unit: 'requests',
              limit: 250,
              remaining: 200,
              resetAt: NOW + 3_600_000,
              source: 'local',
            },
          ],
        }),
      ]),
    );
    expect(state.pools['groq|groq-1|llama-3.1-8b-instant']?.cooling).toEqual({
      until: NOW + 30_000,
      reason: '429 from Groq: retry after 30 s.',
    });
    expect(state.keys['groq|groq-2']?.invalid?.reason).toBe('401');
    const gemini = state.pools['gemini|gemini-1|gemini-2.5-flash'];
    expect(gemini?.windows[0]).toMatchObject({
      kind: 'bucket',
      windowMs: 60_000,
      bucket: { capacity: 10, tokens: 0, heldUntil: NOW + 20_000 },
    });
    expect(gemini?.windows[1]).toMatchObject({
      kind: 'counter',
      counter: { limit: 250, used: 50, resetAt: NOW + 3_600_000 },
    });
  });
});

describe('PlanPreview', () => {
  it('shows the target that serves now, the fallbacks behind it, and why a cooling key is skipped', () => {
    render(
      <PlanPreview
        route={ROUTE}
        catalog={CATALOG}
        keys={KEYS}
        quota={view([COOLING])}
        paidSpendTodayUsd={0}
        detectSensitive={false}
        now={NOW}
      />,
    );
    expect(rows()).toEqual([
      {
        kind: 'skipped',
        text: 'Groq · llama-3.1-8b-instant · personalGroq key "groq-1" (llama-3.1-8b-instant) skipped: cooling down for 30 s. 429 from Groq: retry after 30 s.cooling, 30 s',
      },
      { kind: 'serves', text: 'Groq · llama-3.1-8b-instant · workserves now' },
      { kind: 'fallback', text: 'Google Gemini · gemini-2.5-flash · gemini freenext, #2' },
      { kind: 'fallback', text: 'OpenAI · gpt-4o-mini · paidnext, #3' },
    ]);
  });

  it('excludes providers that may train on the prompt from a sensitive route', () => {
    render(
      <PlanPreview
        route={{ ...ROUTE, privacy: 'sensitive' }}
        catalog={CATALOG}
        keys={KEYS}
        quota={view([])}
        paidSpendTodayUsd={0}
        detectSensitive={false}
        now={NOW}
      />,
    );
    const list = screen.getByRole('list', { name: 'Plan preview' });
    const skipped = within(list).getAllByText('excluded by privacy');
    expect(skipped).toHaveLength(3);
    expect(
      within(list).getByText(
        /Google Gemini key "gemini-1" \(gemini-2.5-flash\) skipped: route "fast" is marked sensitive, and Google Gemini's dataPolicy.trainsOnFreeInputs is "yes" for free keys\./,
      ),
    ).toBeTruthy();
    // OpenAI's paid key does not train on inputs: it serves.
    expect(rows().find((r) => r.kind === 'serves')?.text).toBe(
      'OpenAI · gpt-4o-mini · paidserves now',
    );
  });

  it('skips paid keys once the route’s paid budget for today is spent, and parked pools until they return', () => {
    const parked = pool({
      provider: 'gemini',
      keyId: 'gemini-1',
      model: 'gemini-2.5-flash',
      status: { state: 'parked', until: NOW + 2 * 3_600_000, reason: 'Daily quota used up.' },
    });
    render(
      <PlanPreview
        route={{ ...ROUTE, targets: ROUTE.targets.slice(1), paidBudgetUsdPerDay: 1 }}
        catalog={CATALOG}
        keys={KEYS}
        quota={view([parked])}
        paidSpendTodayUsd={1.5}
        detectSensitive={false}
        now={NOW}
      />,
    );
    expect(rows().map((r) => r.kind)).toEqual(['skipped', 'skipped']);
    expect(screen.getByText('parked, 2 h 00 min')).toBeTruthy();
    expect(screen.getByText(/^over budget/)).toBeTruthy();
    expect(screen.getByText(/the paid budget of \$1 for route "fast" is spent today/)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(
      /^Nothing in this chain can serve a request now/,
    );
    expect(screen.getByText('paid spend today $1.50 of $1.00')).toBeTruthy();
  });

  it('skips a key whose window has no room when the route spills, and keeps it when the route would wait long enough', () => {
    const empty = pool({
      windows: [
        {
          window: 'rpm',
          unit: 'requests',
          limit: 30,
          remaining: 0,
          resetAt: NOW + 20_000,
          source: 'headers',
        },
      ],
    });
    const base = {
      catalog: CATALOG,
      keys: KEYS.filter((k) => k.id !== 'groq-2'),
      quota: view([empty]),
      paidSpendTodayUsd: 0,
      detectSensitive: false,
      promptChars: 2000,
      sensitive: false,
      now: NOW,
    };
    const spill = previewRows(previewPlan({ ...base, route: ROUTE }));
    expect(spill[0]).toMatchObject({ kind: 'skipped', reason: 'no-capacity', until: NOW + 20_000 });
    expect(spill[1]?.kind).toBe('serves');
    const wait = previewRows(
      previewPlan({ ...base, route: { ...ROUTE, onLimit: { mode: 'wait', maxWaitMs: 30_000 } } }),
    );
    expect(wait[0]?.kind).toBe('serves');
  });

  it('follows the prompt size the person picks: a huge prompt skips models whose context is too small', async () => {
    const user = userEvent.setup();
    render(
      <PlanPreview
        route={ROUTE}
        catalog={CATALOG}
        keys={KEYS}
        quota={view([])}
        paidSpendTodayUsd={0}
        detectSensitive={false}
        now={NOW}
      />,
    );
    expect(rows()[0]?.kind).toBe('serves');
    await user.selectOptions(
      screen.getByLabelText('Prompt size'),
      'Whole repository (~500k tokens)',
    );
    // Groq's llama has a 131k context window in the catalog; the others list none.
    expect(
      rows()
        .slice(0, 2)
        .map((r) => r.kind),
    ).toEqual(['skipped', 'skipped']);
    expect(screen.getAllByText('prompt too big')).toHaveLength(2);
    expect(rows()[2]?.kind).toBe('serves');
  });

  it('says what to do with an empty chain', () => {
    render(
      <PlanPreview
        route={{ ...ROUTE, targets: [] }}
        catalog={CATALOG}
        keys={KEYS}
        quota={null}
        paidSpendTodayUsd={0}
        detectSensitive={false}
        now={NOW}
      />,
    );
    expect(
      screen.getByText('Add a target to the chain to see which one would answer.'),
    ).toBeTruthy();
  });
});
