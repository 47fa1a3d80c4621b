// Shared by the preload and the main side. No imports: the sandboxed preload bundle may only
// require 'electron', so nothing here may pull in a package.
export const IPC_CHANNELS = {
  /** Synchronous, once per page load: the preload asks for the admin URL and token. */
  bootstrap: 'switchyard:bootstrap',
  openExternal: 'switchyard:open-external',
  showDataFolder: 'switchyard:show-data-folder',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/** The answer to `bootstrap`: null when the asking frame is not our dashboard. */
export type BootstrapReply = { adminUrl: string; adminToken: string } | null;
