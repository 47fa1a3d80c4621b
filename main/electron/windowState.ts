import { z } from 'zod';

export type Rect = { x: number; y: number; width: number; height: number };

/** Where the window goes: a position only when a saved one is still on a screen. */
export type Bounds = { width: number; height: number; x?: number; y?: number };

export type WindowState = { bounds: Rect; maximized: boolean };

export const DEFAULT_WINDOW_SIZE = { width: 1200, height: 800 } as const;

/** How much of a saved window must still lie on a screen for its position to be kept. */
const MIN_VISIBLE = 64;

const RectSchema = z.strictObject({
  x: z.int(),
  y: z.int(),
  width: z.int().min(1),
  height: z.int().min(1),
});

const WindowStateSchema = z.strictObject({ bounds: RectSchema, maximized: z.boolean() });

/** The saved state from the file's text; undefined when absent or damaged (the defaults apply). */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function serializeWindowState(state: WindowState): string {
  const { x, y, width, height } = state.bounds;
  const bounds = {
    x: Math.round(x),
    y: Math.round(y),
    width: Math.round(width),
    height: Math.round(height),
  };
  return `${JSON.stringify({ bounds, maximized: state.maximized })}\n`;
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open with, given the saved state and the screens' work areas (the primary first).
 * A saved window keeps its place if enough of it is still on some screen (a monitor may have been
 * unplugged), shrunk to fit that screen; otherwise the default size, centred by the OS.
 */
export function restoreBounds(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
  minSize: { width: number; height: number },
): { bounds: Bounds; maximized: boolean } {
  const primary = workAreas[0];
  const fit = (width: number, height: number, area: Rect | undefined) => ({
    width: Math.max(minSize.width, area ? Math.min(width, area.width) : width),
    height: Math.max(minSize.height, area ? Math.min(height, area.height) : height),
  });
  if (saved !== undefined) {
    const home = workAreas.find((area) => {
      const o = overlap(saved.bounds, area);
      return o.width >= MIN_VISIBLE && o.height >= MIN_VISIBLE;
    });
    if (home !== undefined) {
      const size = fit(saved.bounds.width, saved.bounds.height, home);
      // Pull the window back so that its title bar, at least, is inside the screen it is on.
      const x = Math.min(Math.max(saved.bounds.x, home.x), home.x + home.width - MIN_VISIBLE);
      const y = Math.min(Math.max(saved.bounds.y, home.y), home.y + home.height - MIN_VISIBLE);
      return { bounds: { ...size, x, y }, maximized: saved.maximized };
    }
  }
  return {
    bounds: fit(DEFAULT_WINDOW_SIZE.width, DEFAULT_WINDOW_SIZE.height, primary),
    maximized: saved?.maximized ?? false,
  };
}
