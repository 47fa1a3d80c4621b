// The reference for "share of free capacity used": how many of the trace's requests the free
// tiers could have answered, placed greedily in chain order with perfect knowledge of each
// mock's windows (fixed windows that open with the first request after the previous one
// closed, test/mocks/limits.ts) and no round trips. A strategy that waits for capacity can beat
// it; one that spills to paid while free room remains falls short of it.

import type { MockLimits } from '../../mocks/types.ts';
import type { TraceRequest } from './trace.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Windows {
  limits: MockLimits;
  minuteStart: number;
  minute: number;
  dayStart: number;
  day: number;
}

function admits(w: Windows, now: number): boolean {
  if (now >= w.minuteStart + MINUTE) {
    w.minuteStart = now;
    w.minute = 0;
  }
  if (now >= w.dayStart + DAY) {
    w.dayStart = now;
    w.day = 0;
  }
  if (w.limits.rpm !== undefined && w.minute >= w.limits.rpm) return false;
  if (w.limits.rpd !== undefined && w.day >= w.limits.rpd) return false;
  w.minute += 1;
  w.day += 1;
  return true;
}

/** Free answers a perfectly informed greedy router gets out of the free tiers, per provider. */
export function freeCapacityOracle(
  trace: readonly TraceRequest[],
  free: ReadonlyArray<{ id: string; limits: MockLimits }>,
): { total: number; byProvider: Map<string, number> } {
  const windows = free.map((f) => ({
    id: f.id,
    w: { limits: f.limits, minuteStart: -Infinity, minute: 0, dayStart: -Infinity, day: 0 },
  }));
  const byProvider = new Map(free.map((f) => [f.id, 0]));
  let total = 0;
  for (const req of trace) {
    for (const { id, w } of windows) {
      if (admits(w, req.at)) {
        byProvider.set(id, (byProvider.get(id) ?? 0) + 1);
        total += 1;
        break;
      }
    }
  }
  return { total, byProvider };
}
