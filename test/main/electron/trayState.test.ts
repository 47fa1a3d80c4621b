import type { KeyView } from '../../../app/admin/types.ts';
import { describe, expect, it } from 'vitest';
import {
  MAX_KEY_LINES,
  noticesBetween,
  snapshotFromEngine,
  trayState,
  type KeyQuota,
  type QuotaSnapshot,
} from '../../../main/electron/trayState.ts';

function key(id: string, status: KeyQuota['status'], ...remaining: number[]): KeyQuota {
  return {
    id,
    label: `Key ${id}`,
    status,
    windows: remaining.map((r, i) => ({ name: i === 0 ? 'day' : 'minute', remaining: r })),
  };
}

function snap(keys: KeyQuota[] | undefined, extra: Partial<QuotaSnapshot> = {}): QuotaSnapshot {
  return { keys, keychain: 'unlocked', configErrors: 0, ...extra };
}

describe('snapshotFromEngine', () => {
  const key = (id: string, provider: string, status: KeyView['status'] = 'ok'): KeyView => ({
    id,
    provider,
    label: `${provider} ${id}`,
    last4: 'abcd',
    tier: 'free',
    source: 'keychain',
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const pool = (
    provider: string,
    keyId: string | null,
    model: string,
    state: 'ready' | 'cooling' | 'parked' | 'invalid',
    windows: Array<[string, number, number]>,
  ) => ({
    provider,
    keyId,
    model,
    tier: 'free' as const,
    status: { state },
    windows: windows.map(([window, limit, remaining]) => ({
      window: window as 'rpm',
      unit: 'requests' as const,
      limit,
      remaining,
      source: 'headers' as const,
    })),
    inFlight: 0,
  });

  it('takes each key’s worst pool status and its tightest fraction per window', () => {
    const view = {
      at: 0,
      pools: [
        pool('groq', 'g1', 'llama-8b', 'ready', [
          ['rpm', 30, 24],
          ['rpd', 1000, 50],
        ]),
        pool('groq', 'g1', 'llama-70b', 'cooling', [['rpm', 30, 3]]),
        pool('gemini', 'm1', 'flash', 'parked', [['rpd', 20, 0]]),
        pool('ollama', null, 'llama3.2', 'ready', []),
      ],
    };
    const snapshot = snapshotFromEngine({
      view,
      keys: [key('g1', 'groq'), key('m1', 'gemini')],
      keychain: 'ok',
      configErrors: [],
    });
    expect(snapshot).toEqual({
      keys: [
        {
          id: 'g1',
          label: 'groq g1',
          status: 'cooling',
          windows: [
            { name: 'rpm', remaining: 0.1 },
            { name: 'rpd', remaining: 0.05 },
          ],
        },
        {
          id: 'm1',
          label: 'gemini m1',
          status: 'parked',
          windows: [{ name: 'rpd', remaining: 0 }],
        },
      ],
      keychain: 'unlocked',
      configErrors: 0,
    });
  });

  it('takes key health from the key alone, as the dashboard does', () => {
    const snapshot = snapshotFromEngine({
      view: { at: 0, pools: [pool('groq', 'g1', 'llama-8b', 'invalid', [['rpm', 30, 30]])] },
      keys: [key('g1', 'groq', 'ok')],
      keychain: 'ok',
      configErrors: [],
    });
    expect(snapshot.keys?.map((k) => k.status)).toEqual(['ready']);
  });

  it('marks a key the provider refused as invalid whatever its pools say, and maps the keychain', () => {
    const snapshot = snapshotFromEngine({
      view: { at: 0, pools: [] },
      keys: [key('x', 'groq', 'invalid')],
      keychain: 'locked',
      configErrors: ['a', 'b'],
    });
    expect(snapshot).toEqual({
      keys: [{ id: 'x', label: 'groq x', status: 'invalid', windows: [] }],
      keychain: 'locked',
      configErrors: 2,
    });
    expect(
      snapshotFromEngine({
        view: { at: 0, pools: [] },
        keys: [],
        keychain: 'timeout',
        configErrors: [],
      }).keychain,
    ).toBe('unknown');
  });
});

describe('trayState', () => {
  it('is green when every key is ready with room to spare', () => {
    const state = trayState(snap([key('a', 'ready', 0.8, 0.5), key('b', 'ready', 0.1)]));
    expect(state.level).toBe('ready');
    expect(state.lines).toEqual(['Key a: 50% left (minute)', 'Key b: 10% left (day)']);
  });

  it('is amber when some keys are limited or low, red when none can take a request', () => {
    expect(trayState(snap([key('a', 'ready', 0.9), key('b', 'cooling', 0.4)]))).toMatchObject({
      level: 'degraded',
      headline: '1 of 2 keys limited',
    });
    expect(trayState(snap([key('a', 'ready', 0.05)]))).toMatchObject({
      level: 'degraded',
      headline: '1 running low',
    });
    const red = trayState(snap([key('a', 'parked', 0), key('b', 'invalid'), key('c', 'cooling')]));
    expect(red.level).toBe('limited');
    expect(red.lines).toEqual([
      'Key a: quota used up, parked until it resets',
      'Key b: invalid key',
      'Key c: cooling down',
    ]);
  });

  it('is amber for a locked keychain, a refused config edit, or no keys yet', () => {
    expect(trayState(snap(undefined, { keychain: 'locked' }))).toMatchObject({
      level: 'degraded',
      headline: 'The keychain is locked',
    });
    expect(trayState(snap(undefined, { configErrors: 2 })).level).toBe('degraded');
    expect(trayState(snap([]))).toMatchObject({
      level: 'degraded',
      lines: ['No keys yet: add one in the dashboard'],
    });
  });

  it('is green but says so when the engine does not report quotas yet', () => {
    expect(trayState(snap(undefined))).toEqual({
      level: 'ready',
      headline: 'Ready',
      lines: ['Quota figures are not reported yet'],
    });
  });

  it('lists a bounded number of keys', () => {
    const many = Array.from({ length: MAX_KEY_LINES + 3 }, (_, i) => key(`k${i}`, 'ready', 0.9));
    const { lines } = trayState(snap(many));
    expect(lines).toHaveLength(MAX_KEY_LINES + 1);
    expect(lines.at(-1)).toBe('and 3 more');
  });
});

describe('noticesBetween', () => {
  it('tells once when a key falls under 10% of a window', () => {
    const before = snap([key('a', 'ready', 0.5, 0.12)]);
    const after = snap([key('a', 'ready', 0.5, 0.08)]);
    expect(noticesBetween(before, after)).toEqual([
      { title: 'Quota running low', body: 'Key a has 8% of its minute quota left.' },
    ]);
    expect(noticesBetween(after, snap([key('a', 'ready', 0.5, 0.05)]))).toEqual([]);
  });

  it('tells once when a key turns invalid', () => {
    const notices = noticesBetween(snap([key('a', 'ready', 0.5)]), snap([key('a', 'invalid')]));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.title).toBe('A key was refused');
    expect(notices[0]?.body).toContain('Key a');
    expect(noticesBetween(snap([key('a', 'invalid')]), snap([key('a', 'invalid')]))).toEqual([]);
  });

  it('tells once when the keychain locks', () => {
    const locked = snap(undefined, { keychain: 'locked' });
    expect(noticesBetween(snap(undefined), locked)).toEqual([
      {
        title: 'Keychain locked',
        body: 'Switchyard cannot read your keys until the OS keychain is unlocked.',
      },
    ]);
    expect(noticesBetween(locked, locked)).toEqual([]);
  });

  it('reports what is already wrong at the first poll, and nothing when all is well', () => {
    expect(noticesBetween(undefined, snap([key('a', 'ready', 0.9)]))).toEqual([]);
    const first = noticesBetween(
      undefined,
      snap([key('a', 'invalid'), key('b', 'ready', 0.02)], { keychain: 'locked' }),
    );
    expect(first.map((n) => n.title)).toEqual([
      'A key was refused',
      'Quota running low',
      'Keychain locked',
    ]);
  });

  it('does not cry wolf for a key that recovers, or for a cooling key with room left', () => {
    expect(noticesBetween(snap([key('a', 'ready', 0.05)]), snap([key('a', 'ready', 0.9)]))).toEqual(
      [],
    );
    expect(
      noticesBetween(snap([key('a', 'ready', 0.9)]), snap([key('a', 'cooling', 0.6)])),
    ).toEqual([]);
  });
});
