import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  parseWindowState,
  restoreBounds,
  serializeWindowState,
  type Rect,
  type WindowState,
} from '../../../main/electron/windowState.ts';

const MIN = { width: 820, height: 560 };
const LAPTOP: Rect = { x: 0, y: 0, width: 1440, height: 875 };
const RIGHT_MONITOR: Rect = { x: 1440, y: -200, width: 2560, height: 1400 };

describe('parseWindowState / serializeWindowState', () => {
  it('round-trips, rounding fractional pixels', () => {
    const state: WindowState = {
      bounds: { x: 10.4, y: 20.6, width: 1000, height: 700 },
      maximized: true,
    };
    expect(parseWindowState(serializeWindowState(state))).toEqual({
      bounds: { x: 10, y: 21, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it('ignores a missing, damaged or foreign file', () => {
    expect(parseWindowState(undefined)).toBeUndefined();
    expect(parseWindowState('{"bounds":')).toBeUndefined();
    expect(
      parseWindowState('{"bounds":{"x":0,"y":0,"width":0,"height":5},"maximized":false}'),
    ).toBeUndefined();
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":9,"height":5}}')).toBeUndefined();
    expect(parseWindowState('[]')).toBeUndefined();
  });
});

describe('restoreBounds', () => {
  it('opens at the default size, placed by the OS, the first time', () => {
    expect(restoreBounds(undefined, [LAPTOP], MIN)).toEqual({
      bounds: { width: DEFAULT_WINDOW_SIZE.width, height: DEFAULT_WINDOW_SIZE.height },
      maximized: false,
    });
  });

  it('puts a window back where it was, on whichever screen that was', () => {
    const saved = { bounds: { x: 1600, y: 0, width: 1300, height: 900 }, maximized: false };
    expect(restoreBounds(saved, [LAPTOP, RIGHT_MONITOR], MIN)).toEqual({
      bounds: { x: 1600, y: 0, width: 1300, height: 900 },
      maximized: false,
    });
  });

  it('forgets the position when its monitor is gone, but keeps the maximized flag', () => {
    const saved = { bounds: { x: 1600, y: 0, width: 1300, height: 900 }, maximized: true };
    const restored = restoreBounds(saved, [LAPTOP], MIN);
    expect(restored.bounds.x).toBeUndefined();
    expect(restored.bounds.y).toBeUndefined();
    expect(restored.maximized).toBe(true);
  });

  it('shrinks a window to its screen and pulls its title bar back on', () => {
    const saved = { bounds: { x: 1300, y: -50, width: 3000, height: 2000 }, maximized: false };
    const { bounds } = restoreBounds(saved, [LAPTOP], MIN);
    expect(bounds).toEqual({ x: 1300, y: 0, width: LAPTOP.width, height: LAPTOP.height });
  });

  it('never goes below the minimum size', () => {
    const saved = { bounds: { x: 100, y: 100, width: 200, height: 100 }, maximized: false };
    expect(restoreBounds(saved, [LAPTOP], MIN).bounds).toMatchObject(MIN);
  });

  it('always yields a usable window: at least the minimum, and a position only on a screen', () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      width: fc.integer({ min: 1, max: 6000 }),
      height: fc.integer({ min: 1, max: 6000 }),
    });
    fc.assert(
      fc.property(
        fc.option(fc.record({ bounds: rect, maximized: fc.boolean() }), { nil: undefined }),
        fc.array(rect, { minLength: 1, maxLength: 3 }),
        (saved, areas) => {
          const { bounds } = restoreBounds(saved, areas, MIN);
          expect(bounds.width).toBeGreaterThanOrEqual(MIN.width);
          expect(bounds.height).toBeGreaterThanOrEqual(MIN.height);
          if (bounds.x === undefined || bounds.y === undefined) return;
          const { x, y } = bounds;
          // The top-left corner, where the title bar starts, lies on some screen.
          expect(
            areas.some((a) => x >= a.x && x < a.x + a.width && y >= a.y && y < a.y + a.height),
          ).toBe(true);
        },
      ),
    );
  });
});
