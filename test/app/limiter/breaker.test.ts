import { describe, expect, it } from 'vitest';
import {
  BREAKER_CONSECUTIVE,
  BREAKER_MAX_OPEN_MS,
  BREAKER_MIN_SAMPLES,
  BREAKER_OPEN_MS,
  BREAKER_WINDOW_MS,
  breakerFailure,
  breakerPhase,
  breakerProbe,
  breakerProbeDropped,
  breakerSuccess,
  type BreakerState,
} from '../../../app/limiter/breaker.ts';

const T0 = 1_000_000;

function failures(n: number, from: BreakerState | undefined = undefined, at = T0) {
  let b = from;
  for (let i = 0; i < n; i++) b = breakerFailure(b, at + i, 'HTTP 500');
  return b;
}

describe('circuit breaker', () => {
  it('stays closed on isolated failures among successes', () => {
    let b: BreakerState | undefined;
    for (let i = 0; i < 200; i++) {
      b =
        i % 25 === 0 ? breakerFailure(b, T0 + i * 10, 'HTTP 500') : breakerSuccess(b, T0 + i * 10);
      expect(breakerPhase(b, T0 + i * 10).phase).toBe('closed');
    }
  });

  it('a healthy target costs nothing: success on a closed, empty breaker stays undefined', () => {
    expect(breakerSuccess(undefined, T0)).toBeUndefined();
  });

  it(`opens after ${BREAKER_CONSECUTIVE} failures in a row, for ${BREAKER_OPEN_MS} ms`, () => {
    const four = failures(BREAKER_CONSECUTIVE - 1);
    expect(breakerPhase(four, T0 + 10).phase).toBe('closed');
    const five = breakerFailure(four, T0 + 10, 'HTTP 502');
    expect(breakerPhase(five, T0 + 10)).toEqual({
      phase: 'open',
      until: T0 + 10 + BREAKER_OPEN_MS,
      reason: 'HTTP 502',
    });
  });

  it('a success resets the run of failures', () => {
    const b = breakerSuccess(failures(BREAKER_CONSECUTIVE - 1), T0 + 10);
    expect(breakerPhase(breakerFailure(b, T0 + 11, 'x'), T0 + 11).phase).toBe('closed');
  });

  it('opens on an error rate of half or more over enough attempts in the window', () => {
    let b: BreakerState | undefined;
    // Counting starts at the first failure (a healthy target keeps no state): f, s, f, s, ... f.
    for (let i = 0; i < BREAKER_MIN_SAMPLES; i++) {
      b = i % 2 === 0 ? breakerFailure(b, T0 + i, 'HTTP 503') : breakerSuccess(b, T0 + i);
      expect(breakerPhase(b, T0 + i).phase).toBe('closed');
    }
    b = breakerFailure(b, T0 + BREAKER_MIN_SAMPLES, 'HTTP 503');
    expect(breakerPhase(b, T0 + BREAKER_MIN_SAMPLES).phase).toBe('open');
  });

  it('forgets the window once it has passed', () => {
    const b = failures(BREAKER_CONSECUTIVE - 1);
    expect(breakerSuccess(b, T0 + BREAKER_WINDOW_MS + 1)).toBeUndefined();
  });

  it('half-open after the open time: one probe; its success closes, its failure reopens longer', () => {
    const opened = failures(BREAKER_CONSECUTIVE);
    const at = T0 + BREAKER_CONSECUTIVE + BREAKER_OPEN_MS;
    expect(breakerPhase(opened, at)).toMatchObject({ phase: 'half-open', probing: false });
    const probing = breakerProbe(opened!);
    expect(breakerPhase(probing, at)).toMatchObject({ phase: 'half-open', probing: true });
    expect(breakerSuccess(probing, at + 5)).toBeUndefined();
    const reopened = breakerFailure(probing, at + 5, 'HTTP 500 again');
    expect(breakerPhase(reopened, at + 5)).toEqual({
      phase: 'open',
      until: at + 5 + 2 * BREAKER_OPEN_MS,
      reason: 'HTTP 500 again',
    });
  });

  it('the open time doubles with each trip in a row, up to the cap', () => {
    let b = failures(BREAKER_CONSECUTIVE);
    let now = T0 + 100;
    for (let trip = 0; trip < 10; trip++) {
      const phase = breakerPhase(b, now);
      if (phase.phase !== 'open') throw new Error('expected open');
      now = phase.until;
      b = breakerFailure(breakerProbe(b!), now, 'x');
    }
    const last = breakerPhase(b, now);
    expect(last.phase === 'open' && last.until - now).toBe(BREAKER_MAX_OPEN_MS);
  });

  it('a probe that told nothing (cancelled, lost a race) hands the probe on', () => {
    const opened = failures(BREAKER_CONSECUTIVE);
    const probing = breakerProbe(opened!);
    const dropped = breakerProbeDropped(probing);
    expect(breakerPhase(dropped, T0 + 10 * BREAKER_OPEN_MS)).toMatchObject({
      phase: 'half-open',
      probing: false,
    });
  });
});
