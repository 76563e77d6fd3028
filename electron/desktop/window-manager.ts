import { BrowserWindow, screen, shell } from 'electron';
import type { Session, WebContents } from 'electron';
import type { Logger } from '../core/kernel/ports';
import { RENDERER_CSP, isSafeExternalUrl, secureWebPreferences } from './security';
import { loadWindowState, saveWindowState, type WindowState } from './window-state';

/** What the window manager needs; the composition root supplies it. */
export interface WindowManagerOptions {
  /** The renderer page, `app://lookout/index.html` (see `app-protocol.ts`). */
  rendererUrl: string;
  /** Absolute path of the bundled preload, `…/dist/desktop/preload.cjs`. */
  preloadPath: string;
  /** JSON file in userData holding the window bounds. */
  stateFile: string;
  /** Window icon (Linux/Windows title bar and task bar). */
  iconPath?: string;
  /** Read on every close: the setting can change while the app runs. */
  closeToTray: () => boolean;
  /** True once the user chose Quit (tray, menu, OS logout): close must then really close. */
  isQuitting: () => boolean;
  logger: Logger;
  /** Told when the renderer hangs, recovers or dies, and when the user opens the window. */
  watchdog?: RendererEvents;
}

/** What the window reports to the renderer watchdog. */
export interface RendererEvents {
  unresponsive(): void;
  responsive(): void;
  gone(details: { reason: string; exitCode: number }): void;
  shown(): void;
}

/** How long after the last move/resize the bounds are written. */
const SAVE_DEBOUNCE_MS = 500;

/**
 * Owns the one main window: creates it with secure webPreferences, remembers its bounds, keeps the
 * app in the tray on close (when configured), and denies navigation and new windows.
 */
export class WindowManager {
  private win: BrowserWindow | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The exact URL our renderer is loaded from; the IPC gateway only trusts frames at this URL. */
  readonly rendererUrl: string;

  constructor(private readonly options: WindowManagerOptions) {
    this.rendererUrl = options.rendererUrl;
  }

  /** The main window, or null while none exists (before the first open, after a real close). */
  get window(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  /** The webContents the IPC gateway accepts messages from and pushes to. */
  webContents(): WebContents | null {
    return this.window?.webContents ?? null;
  }

  /** Shows the window, creating it if needed, restoring it if minimised, and focuses it. */
  show(): BrowserWindow {
    const win = this.window ?? this.create();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    this.options.watchdog?.shown();
    return win;
  }

  /** Whether the window is on screen (not hidden in the tray, not closed). */
  isVisible(): boolean {
    return this.window?.isVisible() ?? false;
  }

  /** Loads the renderer afresh (after its process died), if the window exists. */
  reload(): void {
    const win = this.window;
    if (win) this.load(win);
  }

  /** Ends the window's renderer process (it hung); `render-process-gone` follows. */
  killRenderer(): void {
    const contents = this.window?.webContents;
    if (contents && !contents.isDestroyed()) contents.forcefullyCrashRenderer();
  }

  private create(): BrowserWindow {
    const { options } = this;
    const state = loadWindowState(
      options.stateFile,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const win = new BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: 640,
      minHeight: 420,
      show: false,
      title: 'Lookout',
      backgroundColor: '#0f172a',
      ...(options.iconPath ? { icon: options.iconPath } : {}),
      webPreferences: secureWebPreferences(options.preloadPath),
    });
    this.win = win;
    if (state.maximized) win.maximize();
    hardenWebContents(win.webContents, options.logger, this.rendererUrl);
    const watchdog = options.watchdog;
    if (watchdog) {
      win.on('unresponsive', () => watchdog.unresponsive());
      win.on('responsive', () => watchdog.responsive());
      win.webContents.on('render-process-gone', (_event, details) => watchdog.gone(details));
    }

    win.once('ready-to-show', () => win.show());
    win.on('resize', () => this.scheduleSave());
    win.on('move', () => this.scheduleSave());
    win.on('close', (event) => {
      this.saveNow();
      if (!options.isQuitting() && options.closeToTray()) {
        // Keep running in the tray: sockets stay up and notifications keep coming.
        event.preventDefault();
        win.hide();
      }
    });
    win.on('closed', () => {
      if (this.saveTimer) clearTimeout(this.saveTimer);
      this.saveTimer = null;
      if (this.win === win) this.win = null;
    });

    this.load(win);
    return win;
  }

  private load(win: BrowserWindow): void {
    const { options } = this;
    void win.loadURL(this.rendererUrl).catch((error: unknown) => {
      options.logger.error('renderer failed to load', {
        url: this.rendererUrl,
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveNow(), SAVE_DEBOUNCE_MS);
  }

  private saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const win = this.window;
    if (!win) return;
    const bounds = win.getNormalBounds();
    const state: WindowState = {
      x: Math.round(bounds.x),
      y: Math.round(bounds.y),
      width: Math.max(400, Math.round(bounds.width)),
      height: Math.max(300, Math.round(bounds.height)),
      maximized: win.isMaximized(),
    };
    try {
      saveWindowState(this.options.stateFile, state);
    } catch (error) {
      this.options.logger.warn('window state not saved', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * Denies every navigation away from the app and every new window. An http(s) link the user clicked
 * goes to the OS browser instead; any other scheme is refused and logged. Loading our own page
 * again (the error screen's Reload) is the one navigation allowed.
 */
export function hardenWebContents(contents: WebContents, logger: Logger, ownUrl?: string): void {
  const openOutside = (url: string): void => {
    if (isSafeExternalUrl(url)) {
      void shell.openExternal(url).catch((error: unknown) => {
        logger.warn('external link not opened', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    } else {
      logger.warn('refused to open a non-http(s) link', { scheme: schemeOf(url) });
    }
  };
  contents.on('will-navigate', (event) => {
    if (ownUrl !== undefined && withoutQueryOrHash(event.url) === ownUrl) return;
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/**
 * Session-wide protections: a strict CSP on every response, and every permission request
 * (camera, geolocation, notifications from the page, …) denied except writing the clipboard from
 * our own page ("Copy support bundle", "Copy details"): it needs nothing else.
 */
export function installSessionSecurity(session: Session, ownOrigin?: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [RENDERER_CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  const allowed = (permission: string, url: string): boolean =>
    ownOrigin !== undefined &&
    permission === 'clipboard-sanitized-write' &&
    originOf(url) === ownOrigin;
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowed(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowed(permission, requestingOrigin),
  );
}

function withoutQueryOrHash(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1]?.toLowerCase() ?? '(relative)';
}
