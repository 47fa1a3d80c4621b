import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../app/admin/types.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import type { ModelWatchEntry } from '../../../app/models/watch.ts';
import { noticesBetween, snapshotFromEngine, trayState } from '../../../main/electron/trayState.ts';
import { groqDailyView } from '../models/limiterViews.ts';

const AT = Date.UTC(2026, 11, 4, 14, 0);
const MINUTE = 60_000;

const KEY = { id: 'groq-main', provider: 'groq', label: 'Groq', status: 'ok' } as KeyView;

const view = (runsOutInMs: number | undefined): LimiterView =>
  groqDailyView(AT, {
    remaining: 400,
    resetAt: AT + 10 * 60 * MINUTE,
    ...(runsOutInMs === undefined ? {} : { runsOutAt: AT + runsOutInMs }),
  });

const MISSING: ModelWatchEntry = {
  route: 'fast',
  provider: 'groq',
  model: 'qwen-2.5-32b',
  state: 'missing',
  since: AT,
  reason: 'groq no longer lists qwen-2.5-32b',
  suggestion: 'qwen-3-32b',
};

function readings(runsOutInMs: number | undefined, modelWatch: ModelWatchEntry[]) {
  return snapshotFromEngine({
    view: view(runsOutInMs),
    keys: [KEY],
    keychain: 'ok',
    configErrors: [],
    modelWatch,
  });
}

describe('the tray and the model watch', () => {
  it('notifies once when a route target is flagged, and lists it with its suggestion', () => {
    const before = readings(undefined, [
      { ...MISSING, state: 'ok', since: null, reason: null, suggestion: null },
    ]);
    const after = readings(undefined, [MISSING]);
    expect(noticesBetween(before, after)).toEqual([
      {
        title: 'A model is gone',
        body: 'Route fast: groq/qwen-2.5-32b is missing; it keeps serving through the rest of its chain. Replace it with qwen-3-32b in the dashboard.',
      },
    ]);
    expect(noticesBetween(after, readings(undefined, [MISSING]))).toEqual([]);
    const state = trayState(after);
    expect(state.level).toBe('degraded');
    expect(state.headline).toBe('1 model to replace');
    expect(state.lines).toContain('fast: groq/qwen-2.5-32b is missing, try qwen-3-32b');
  });

  it('shows the forecast in the quota summary and notifies when a daily quota runs out within the hour', () => {
    const far = readings(3 * 60 * MINUTE, []);
    expect(trayState(far).lines).toEqual(['Groq: 40% left (rpd), runs out in ~3h00m (rpd)']);
    expect(noticesBetween(undefined, far)).toEqual([]);
    const soon = readings(45 * MINUTE, []);
    expect(noticesBetween(far, soon)).toEqual([
      {
        title: 'Daily quota running out',
        body: 'Groq will use up its rpd quota in about 45m at the pace of the last 15 minutes.',
      },
    ]);
    expect(noticesBetween(soon, readings(40 * MINUTE, []))).toEqual([]);
  });
});
