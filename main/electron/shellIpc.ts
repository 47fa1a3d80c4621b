// Electron glue for the preload's three calls. Every message is checked twice before it does
// anything: the sender (our window's top frame, on our origin) and the arguments (zod).
import {
  ipcMain,
  shell,
  type BrowserWindow,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
} from 'electron';
import type { BootstrapReply } from './ipcChannels.ts';
import { IPC_CHANNELS, type IpcChannel } from './ipcChannels.ts';
import { parseIpcArgs, senderAllowed, type IpcArgs } from './ipcGuards.ts';

export type ShellIpcOptions = {
  window: BrowserWindow;
  appOrigin: string;
  adminToken: string;
  dataDir: string;
  log: (message: string) => void;
};

/** Registers the handlers; returns a function that removes them. */
export function registerShellIpc(options: ShellIpcOptions): () => void {
  const expected = { webContentsId: options.window.webContents.id, origin: options.appOrigin };
  const fromUs = (event: IpcMainEvent | IpcMainInvokeEvent, channel: IpcChannel): boolean => {
    const frame = event.senderFrame;
    const ok = senderAllowed(
      {
        webContentsId: event.sender.id,
        frameUrl: frame?.url ?? null,
        isMainFrame: frame !== null && frame.parent === null,
      },
      expected,
    );
    if (!ok) options.log(`ipc: refused ${channel} from a frame that is not the dashboard`);
    return ok;
  };
  const checked = <C extends IpcChannel>(
    channel: C,
    event: IpcMainEvent | IpcMainInvokeEvent,
    args: unknown[],
  ): IpcArgs<C> => {
    if (!fromUs(event, channel)) throw new Error('Refused.');
    const parsed = parseIpcArgs(channel, args);
    if (!parsed.ok) {
      options.log(`ipc: ${parsed.error}`);
      throw new Error('Refused: bad arguments.');
    }
    return parsed.args;
  };

  ipcMain.on(IPC_CHANNELS.bootstrap, (event, ...args: unknown[]) => {
    let reply: BootstrapReply = null;
    try {
      checked(IPC_CHANNELS.bootstrap, event, args);
      reply = { adminUrl: options.appOrigin, adminToken: options.adminToken };
    } catch {
      // Refused: the preload gets null and exposes nothing.
    }
    event.returnValue = reply;
  });
  ipcMain.handle(IPC_CHANNELS.openExternal, async (event, ...args: unknown[]) => {
    const [url] = checked(IPC_CHANNELS.openExternal, event, args);
    await shell.openExternal(url);
  });
  ipcMain.handle(IPC_CHANNELS.showDataFolder, async (event, ...args: unknown[]) => {
    checked(IPC_CHANNELS.showDataFolder, event, args);
    const failure = await shell.openPath(options.dataDir);
    if (failure !== '') throw new Error(`Could not open the data folder: ${failure}`);
  });

  return () => {
    ipcMain.removeAllListeners(IPC_CHANNELS.bootstrap);
    ipcMain.removeHandler(IPC_CHANNELS.openExternal);
    ipcMain.removeHandler(IPC_CHANNELS.showDataFolder);
  };
}
