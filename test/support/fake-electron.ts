import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake `electron` module that records calls, for `vi.mock('electron', …)`. The real module
 * cannot be imported in tests (it would try to download the binary). Only what electron/desktop
 * uses is here; `resetFakeElectron()` gives every test a clean slate.
 */

/** An event object with `preventDefault`, as Electron passes to cancellable events. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextId = 1;

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  destroyed = false;
  /** Times the host ended the renderer with `forcefullyCrashRenderer`. */
  forcedCrashes = 0;
  /** Like Electron: the renderer process died (`render-process-gone`). */
  crash(reason = 'crashed', exitCode = 139): void {
    this.emit('render-process-gone', new FakeEvent(), { reason, exitCode });
  }
  /** Electron ends the process and reports it gone asynchronously, as `killed`. */
  forcefullyCrashRenderer(): void {
    this.forcedCrashes += 1;
    queueMicrotask(() => this.crash('killed', 9));
  }
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  mainFrame = new FakeWebFrame('');
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  loadedUrl: string | null = null;
  /** Every page load of this window, in order (a reload after a crash adds one). */
  readonly loads: string[] = [];
  bounds = { x: 100, y: 80, width: 1200, height: 800 };
  constructor(readonly options: Record<string, unknown>) {
    super();
    if (typeof options.x === 'number') this.bounds.x = options.x;
    if (typeof options.y === 'number') this.bounds.y = options.y;
    if (typeof options.width === 'number') this.bounds.width = options.width;
    if (typeof options.height === 'number') this.bounds.height = options.height;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.loads.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Like Electron: emits a cancellable `close`; unless prevented, the window is destroyed. */
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

type Handler = (event: unknown, arg: unknown) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Handler[]>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  on(channel: string, listener: Handler): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  removeAllListeners(channel: string): void {
    this.listeners.delete(channel);
  }
  /** What Electron does for `ipcRenderer.invoke` from `sender`. */
  async invoke(channel: string, event: unknown, arg: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, arg);
  }
  emit(channel: string, event: unknown, arg: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, arg);
  }
}

export class FakeIpcRenderer {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly emitter = new EventEmitter();
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve({ echoed: channel });
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  on(channel: string, listener: (...args: never[]) => void): this {
    this.emitter.on(channel, listener as (...args: unknown[]) => void);
    return this;
  }
  removeListener(channel: string, listener: (...args: never[]) => void): this {
    this.emitter.removeListener(channel, listener as (...args: unknown[]) => void);
    return this;
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  gotLock = true;
  quitCalls = 0;
  /** Codes of `app.exit(code)` calls (the fake records them instead of exiting). */
  exitCalls: number[] = [];
  name = 'Electron';
  appUserModelId: string | null = null;
  loginItem: { openAtLogin?: boolean } | null = null;
  userData = '/tmp/lookout-fake-userdata';
  /** Paths set with `setPath`, by name. */
  readonly paths = new Map<string, string>();
  appPath = '/opt/lookout/resources/app.asar';
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  quit(): void {
    this.quitCalls += 1;
  }
  exit(code = 0): void {
    this.exitCalls.push(code);
  }
  setName(name: string): void {
    this.name = name;
  }
  /** As Electron on Linux: everything in userData, the logs in its `logs` folder. */
  getPath(name: string): string {
    const set = this.paths.get(name);
    if (set) return set;
    if (name === 'logs') return this.logsPath ?? `${this.userData}/logs`;
    return this.userData;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getAppPath(): string {
    return this.appPath;
  }
  getVersion(): string {
    return '0.1.0';
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  setLoginItemSettings(settings: { openAtLogin?: boolean }): void {
    this.loginItem = settings;
  }
  /** What macOS reports about this launch (`wasOpenedAtLogin`). */
  openedAtLogin = false;
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return {
      openAtLogin: this.loginItem?.openAtLogin ?? false,
      wasOpenedAtLogin: this.openedAtLogin,
    };
  }
  logsPath: string | null = null;
  setAppLogsPath(path?: string): void {
    this.logsPath = path ?? null;
  }
  /** The dock / launcher badge (`setBadgeCount`). */
  badgeCount = 0;
  setBadgeCount(count = 0): boolean {
    this.badgeCount = count;
    return true;
  }
  /** Schemes registered with the OS (`setAsDefaultProtocolClient`). */
  readonly protocolClients: string[] = [];
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  }
  whenReady(): Promise<void> {
    state.ready = true;
    return Promise.resolve();
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  title = '';
  menu: unknown = null;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  /** What `Notification.handleActivation` registered (Windows action centre clicks). */
  static activation: ((details: { type: string; arguments: string }) => void) | null = null;
  static handleActivation(callback: (details: { type: string; arguments: string }) => void): void {
    FakeNotification.activation = callback;
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  closed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
  }
}

export const state = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  exposed: new Map<string, unknown>(),
  openedExternal: [] as string[],
  openedPaths: [] as string[],
  headersListener: null as
    | null
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void),
  permissionHandler: null as
    | null
    | ((
        contents: unknown,
        permission: string,
        cb: (granted: boolean) => void,
        details: { requestingUrl: string },
      ) => void),
  permissionCheck: null as
    null | ((contents: unknown, permission: string, requestingOrigin: string) => boolean),
  safeStorage: {
    available: true,
    backend: 'gnome_libsecret' as string,
  },
  online: true,
  powerMonitor: new EventEmitter(),
  /** The options `crashReporter.start` was given, or null before it was started. */
  crashReporter: null as null | Record<string, unknown>,
  /** Schemes registered as privileged, and whether that happened before `ready`. */
  privilegedSchemes: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
  privilegedBeforeReady: false,
  ready: false,
  /** `protocol.handle` handlers by scheme. */
  protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  /** What `session.resolveProxy` answers (Chromium's PAC-style string), by URL; DIRECT otherwise. */
  proxyAnswers: new Map<string, string>(),
  /** URLs `session.resolveProxy` was asked about, in order. */
  proxyQueries: [] as string[],
  /** `dialog.showSaveDialog` calls (with a parent window or not), and what the next one answers. */
  saveDialogs: [] as Array<{ parent: boolean; options: Record<string, unknown> }>,
  saveDialogAnswer: { canceled: true, filePath: '' } as { canceled: boolean; filePath: string },
};

/** A fresh fake for every test. */
export function resetFakeElectron(): void {
  // The fake desktop has no session bus unless a test starts one (DesktopSession): on Linux the
  // host then falls back to Electron's notifications, and nothing reaches the developer's or CI's
  // real notification daemon.
  process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(tmpdir(), 'lookout-no-such-bus')}`;
  state.app = new FakeApp();
  state.ipcMain = new FakeIpcMain();
  state.ipcRenderer = new FakeIpcRenderer();
  state.exposed.clear();
  state.openedExternal.length = 0;
  state.openedPaths.length = 0;
  state.saveDialogs.length = 0;
  state.saveDialogAnswer = { canceled: true, filePath: '' };
  state.headersListener = null;
  state.permissionHandler = null;
  state.permissionCheck = null;
  state.safeStorage = { available: true, backend: 'gnome_libsecret' };
  state.online = true;
  state.powerMonitor = new EventEmitter();
  state.crashReporter = null;
  state.privilegedSchemes = [];
  state.privilegedBeforeReady = false;
  state.ready = false;
  state.protocolHandlers = new Map();
  state.proxyAnswers = new Map();
  state.proxyQueries = [];
  FakeBrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
  FakeNotification.activation = null;
}

/**
 * The module object handed to `vi.mock('electron')`. Getters read `state` at call time so a reset
 * between tests is seen by code that imported the module once.
 */
export const fakeElectronModule = {
  get app() {
    return state.app;
  },
  get ipcMain() {
    return state.ipcMain;
  },
  get ipcRenderer() {
    return state.ipcRenderer;
  },
  get powerMonitor() {
    return state.powerMonitor;
  },
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: {
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu: () => {},
  },
  nativeImage: {
    createFromPath: (path: string) => {
      const image = {
        path,
        template: false,
        isEmpty: () => false,
        setTemplateImage: (on: boolean) => {
          image.template = on;
        },
      };
      return image;
    },
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      if (state.exposed.has(key)) throw new Error(`${key} exposed twice`);
      state.exposed.set(key, api);
    },
  },
  screen: {
    getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  },
  dialog: {
    showSaveDialog: (...args: unknown[]) => {
      const options = (args.length > 1 ? args[1] : args[0]) as Record<string, unknown>;
      state.saveDialogs.push({ parent: args.length > 1, options });
      return Promise.resolve({ ...state.saveDialogAnswer });
    },
  },
  shell: {
    openExternal: (url: string) => {
      state.openedExternal.push(url);
      return Promise.resolve();
    },
    openPath: (path: string) => {
      state.openedPaths.push(path);
      return Promise.resolve('');
    },
  },
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived: (listener: typeof state.headersListener) => {
          state.headersListener = listener;
        },
      },
      setPermissionRequestHandler: (handler: typeof state.permissionHandler) => {
        state.permissionHandler = handler;
      },
      setPermissionCheckHandler: (handler: typeof state.permissionCheck) => {
        state.permissionCheck = handler;
      },
      resolveProxy: (url: string) => {
        state.proxyQueries.push(url);
        return Promise.resolve(state.proxyAnswers.get(url) ?? 'DIRECT');
      },
    },
  },
  /**
   * Only the asynchronous API (the synchronous one is deprecated; calling it here would throw).
   * Its ciphertexts start `aenc:`; `enc:` is what the synchronous API wrote (an older Lookout):
   * still readable, and the OS then asks for it to be encrypted again.
   */
  safeStorage: {
    isAsyncEncryptionAvailable: () => Promise.resolve(state.safeStorage.available),
    getSelectedStorageBackend: () => state.safeStorage.backend,
    encryptStringAsync: (plain: string) => Promise.resolve(Buffer.from(`aenc:${plain}`)),
    decryptStringAsync: (cipher: Buffer) => {
      const text = cipher.toString();
      if (text.startsWith('aenc:'))
        return Promise.resolve({ result: text.slice(5), shouldReEncrypt: false });
      if (text.startsWith('enc:'))
        return Promise.resolve({ result: text.slice(4), shouldReEncrypt: true });
      return Promise.reject(new Error('Error while decrypting the ciphertext'));
    },
  },
  net: {
    isOnline: () => state.online,
  },
  crashReporter: {
    start: (options: Record<string, unknown>) => {
      state.crashReporter = options;
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (
      schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>,
    ) => {
      state.privilegedSchemes.push(...schemes);
      state.privilegedBeforeReady = !state.ready;
    },
    handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
      if (state.protocolHandlers.has(scheme)) throw new Error(`${scheme} handled twice`);
      state.protocolHandlers.set(scheme, handler);
    },
  },
};
