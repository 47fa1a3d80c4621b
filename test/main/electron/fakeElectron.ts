// A stand-in for the parts of Electron the shell's glue touches, recording what it was asked to
// do. It lets main.ts run for real under Node (engine, port, cookie, IPC, guards, tray, quit)
// on a machine with no Electron binary; the launch test covers the real thing where one exists.
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

export type FakeEvent = { defaultPrevented: boolean; preventDefault: () => void };

export function fakeEvent<T extends object>(fields: T = {} as T): T & FakeEvent {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export const record = {
  paths: new Map<string, string>(),
  cookies: [] as Record<string, unknown>[],
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  opened: [] as string[],
  openedPaths: [] as string[],
  notifications: [] as { title: string; body: string }[],
  clipboard: [] as string[],
  errorBoxes: [] as string[],
  messageBoxes: [] as string[],
  exitCodes: [] as number[],
  quitFinished: false,
  ipcOn: new Map<string, Handler>(),
  ipcHandle: new Map<string, Handler>(),
};

class FakeSession {
  permissionRequest: Handler | undefined;
  permissionCheck: Handler | undefined;
  headersReceived: Handler | undefined;
  cookies = {
    set: async (cookie: Record<string, unknown>) => {
      record.cookies.push(cookie);
    },
  };
  webRequest = {
    onHeadersReceived: (handler: Handler) => {
      this.headersReceived = handler;
    },
  };
  setPermissionRequestHandler(handler: Handler) {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: Handler) {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler() {}
}

const defaultSession = new FakeSession();

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  session = defaultSession;
  windowOpenHandler: Handler | undefined;
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  destroyed = false;
  maximized = false;
  bounds: { x: number; y: number; width: number; height: number };
  options: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    this.bounds = {
      x: (options.x as number | undefined) ?? 40,
      y: (options.y as number | undefined) ?? 30,
      width: options.width as number,
      height: options.height as number,
    };
    record.windows.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  async loadURL(url: string) {
    this.loadedUrl = url;
    this.emit('ready-to-show');
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.maximized = true;
  }
  restore() {}
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  getNormalBounds() {
    return this.bounds;
  }
  /** What a user's click on the close button does. */
  userClose() {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroyed = true;
    return event;
  }
}

export class FakeTray extends EventEmitter {
  image: unknown;
  tooltip = '';
  menu: Record<string, unknown>[] = [];
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    record.trays.push(this);
  }
  setImage(image: unknown) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: Record<string, unknown>[]) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  setName() {}
  setAppUserModelId() {}
  enableSandbox() {}
  setPath(name: string, value: string) {
    record.paths.set(name, value);
  }
  getPath(name: string) {
    return record.paths.get(name) ?? '';
  }
  getAppPath() {
    return new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  getLoginItemSettings() {
    return { openAtLogin: false };
  }
  setLoginItemSettings() {}
  /** Electron's order: before-quit (cancellable), then windows close, then the app ends. */
  quit() {
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const window of record.windows) if (!window.destroyed) window.userClose();
    record.quitFinished = true;
  }
  exit(code = 0) {
    record.exitCodes.push(code);
  }
}

export const app = new FakeApp();

export const fake = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  session: { defaultSession },
  screen: {
    getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } }),
    getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } }],
  },
  shell: {
    openExternal: async (url: string) => {
      record.opened.push(url);
    },
    openPath: async (path: string) => {
      record.openedPaths.push(path);
      return '';
    },
  },
  ipcMain: {
    on: (channel: string, handler: Handler) => record.ipcOn.set(channel, handler),
    handle: (channel: string, handler: Handler) => record.ipcHandle.set(channel, handler),
    removeHandler: (channel: string) => record.ipcHandle.delete(channel),
    removeAllListeners: (channel: string) => record.ipcOn.delete(channel),
  },
  dialog: {
    showErrorBox: (_title: string, message: string) => record.errorBoxes.push(message),
    showMessageBox: async (options: { message: string }) => {
      record.messageBoxes.push(options.message);
      return { response: 0 };
    },
  },
  Menu: { buildFromTemplate: (template: Record<string, unknown>[]) => template },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  Notification: class {
    static isSupported() {
      return true;
    }
    options: { title: string; body: string };
    constructor(options: { title: string; body: string }) {
      this.options = options;
    }
    show() {
      record.notifications.push({ title: this.options.title, body: this.options.body });
    }
  },
  clipboard: { writeText: (text: string) => record.clipboard.push(text) },
};
