// The dashboard's only window onto the main process. It runs sandboxed and is bundled to CJS that
// requires nothing but 'electron'. It exposes exactly SwitchyardBridge: no ipcRenderer, no
// generic invoke, no channel names chosen by the page.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, type SwitchyardBridge } from '../../app/shell/bridge.ts';
import { IPC_CHANNELS, type BootstrapReply } from './ipcChannels.ts';

const reply = ipcRenderer.sendSync(IPC_CHANNELS.bootstrap) as BootstrapReply;

if (reply !== null) {
  const bridge: SwitchyardBridge = {
    adminUrl: reply.adminUrl,
    adminToken: reply.adminToken,
    openExternal: async (url: string) => {
      await ipcRenderer.invoke(IPC_CHANNELS.openExternal, String(url));
    },
    showDataFolder: async () => {
      await ipcRenderer.invoke(IPC_CHANNELS.showDataFolder);
    },
  };
  contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
}
