import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../app/config/schema.ts';
import { admit, demandOf } from '../../../app/limiter/limiter.ts';
import { applyFailure } from '../../../app/limiter/outcomes.ts';
import { EMPTY_LIMITER_STATE, type LimiterState } from '../../../app/limiter/state.ts';
import {
  PlanPreview,
  type PlanPreviewProps,
} from '../../../renderer/src/components/PlanPreview.tsx';
import {
  previewCandidates,
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

/** A limiter target from the test catalog, as the engine's gate builds it. */
function target(provider: string, keyId: string, model: string) {
  const entry = CATALOG.providers.find((p) => p.id === provider);
  if (!entry) throw new Error(`no ${provider} in the test catalog`);
  return { provider: entry, keyId, model, tier: 'free' as const };
}

/** The state after a failure, exactly as the engine's limiter records it. */
function failed(
  state: LimiterState,
  [provider, keyId, model]: [string, string, string],
  decision:
    | { class: 'transient'; cooldownUntil: number; reason: string }
    | { class: 'exhausted'; parkUntil: number; reason: string }
    | { class: 'key-invalid'; reason: string },
): LimiterState {
  return applyFailure(
    state,
    target(provider, keyId, model),
    { ...decision, retryElsewhere: true },
    NOW,
  );
}

const GROQ_1: [string, string, string] = ['groq', 'groq-1', 'llama-3.1-8b-instant'];
const COOLING = failed(EMPTY_LIMITER_STATE, GROQ_1, {
  class: 'transient',
  cooldownUntil: NOW + 30_000,
  reason: '429 from Groq: retry after 30 s.',
});

/** The preview over the test catalog and keys with no limits hit, as the page passes it. */
function showPreview(overrides: Partial<PlanPreviewProps> = {}) {
  const props: PlanPreviewProps = {
    route: ROUTE,
    catalog: CATALOG,
    keys: KEYS,
    limiter: EMPTY_LIMITER_STATE,
    paidSpendTodayUsd: 0,
    detectSensitive: false,
    now: NOW,
    ...overrides,
  };
  render(<PlanPreview {...props} />);
}

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
});

describe('PlanPreview', () => {
  it('shows the target that serves now, the fallbacks behind it, and why a cooling key is skipped', () => {
    showPreview({ limiter: COOLING });
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
    showPreview({ route: { ...ROUTE, privacy: 'sensitive' } });
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
    const parked = failed(EMPTY_LIMITER_STATE, ['gemini', 'gemini-1', 'gemini-2.5-flash'], {
      class: 'exhausted',
      parkUntil: NOW + 2 * 3_600_000,
      reason: 'Daily quota used up.',
    });
    showPreview({
      route: { ...ROUTE, targets: ROUTE.targets.slice(1), paidBudgetUsdPerDay: 1 },
      limiter: parked,
      paidSpendTodayUsd: 1.5,
    });
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
    // Groq's free tier allows 30 requests a minute: 30 taken 40 s ago leave none for 20 s more.
    let empty: LimiterState = EMPTY_LIMITER_STATE;
    for (let i = 0; i < 30; i++) {
      const result = admit(empty, target(...GROQ_1), demandOf(100, 10), NOW - 40_000);
      if (!result.ok) throw new Error(result.message);
      empty = result.state;
    }
    const base = {
      catalog: CATALOG,
      keys: KEYS.filter((k) => k.id !== 'groq-2'),
      limiter: empty,
      paidSpendTodayUsd: 0,
      detectSensitive: false,
      promptChars: 2000,
      sensitive: false,
      now: NOW,
    };
    const spill = previewRows(previewPlan({ ...base, route: ROUTE }));
    expect(spill[0]).toMatchObject({ kind: 'skipped', reason: 'no-capacity' });
    // The limiter's sliding log keeps a 500 ms safety margin past the minute.
    const until = (spill[0] as { until: number }).until;
    expect(until).toBeGreaterThanOrEqual(NOW + 20_000);
    expect(until).toBeLessThanOrEqual(NOW + 20_500);
    expect(spill[1]?.kind).toBe('serves');
    const wait = previewRows(
      previewPlan({ ...base, route: { ...ROUTE, onLimit: { mode: 'wait', maxWaitMs: 30_000 } } }),
    );
    expect(wait[0]?.kind).toBe('serves');
  });

  it('follows the prompt size the person picks: a huge prompt skips models whose context is too small', async () => {
    const user = userEvent.setup();
    showPreview();
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
    showPreview({ route: { ...ROUTE, targets: [] }, limiter: null });
    expect(
      screen.getByText('Add a target to the chain to see which one would answer.'),
    ).toBeTruthy();
  });
});

describe('PlanPreview capabilities', () => {
  it('skips a text-only model when the previewed prompt holds an image, saying why', async () => {
    const textOnly = {
      ...CATALOG,
      providers: CATALOG.providers.map((p) =>
        p.id === 'groq' ? { ...p, models: p.models.map((m) => ({ ...m, vision: false })) } : p,
      ),
    };
    showPreview({ catalog: textOnly });
    expect(rows().filter((r) => r.kind === 'skipped')).toEqual([]);
    await userEvent.setup().click(screen.getByLabelText('Prompt holds an image'));
    const skipped = rows().filter((r) => r.kind === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const row of skipped) {
      expect(row.text).toContain('Groq');
      expect(row.text).toContain('the request holds an image and the model takes text only.');
      expect(row.text).toContain('takes no images');
    }
    // Rows stay in chain order: the next model, which takes images, serves.
    expect(rows().find((r) => r.kind === 'serves')?.text).toContain('gemini-2.5-flash');
  });
});
