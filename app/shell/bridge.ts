/** The name of the global the Electron preload exposes in the dashboard: `window.switchyard`. */
export const BRIDGE_GLOBAL = 'switchyard';

/**
 * What the Electron preload hands the dashboard, and nothing more: where the admin API is and its
 * token (the same HTTP API the headless shell uses), plus the two native actions a page cannot do.
 * Absent in a plain browser (headless mode), so the renderer reads it as
 * `window.switchyard?.adminToken`.
 */
export type SwitchyardBridge = {
  /** The engine's origin, e.g. `http://127.0.0.1:4141`; admin endpoints live under `/admin`. */
  adminUrl: string;
  /** Sent as `Authorization: Bearer <token>` to `/admin`. */
  adminToken: string;
  /** Opens an http(s) URL in the system browser; rejects for anything else. */
  openExternal(url: string): Promise<void>;
  /** Reveals the data folder (config, request log) in the system's file manager. */
  showDataFolder(): Promise<void>;
};
