import { updateFeedProblem, type AppSettings } from '../../shared/model/settings';
import type { Logger } from '../core/kernel/ports';

import type { UpdateState } from '../../shared/model/settings';

export type { UpdateState };

/** The slice of electron-updater's `autoUpdater` used here (a fake in tests). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (info: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface AutoUpdateOptions {
  /** Loads electron-updater only when updates are on (it reads app files at import). */
  createUpdater: () => UpdaterLike;
  /** Only packaged apps can update themselves. */
  isPackaged: boolean;
  /**
   * Whether the build carries a real feed in app-update.yml (electron-builder `publish`). Ours ships
   * a placeholder, so without a feed URL in Settings updates stay off and say why.
   */
  hasBuiltInFeed?: boolean;
  logger: Logger;
  /** How often to check again while on. */
  intervalMs?: number;
  now?: () => number;
}

const SIX_HOURS = 6 * 3_600_000;

/**
 * electron-updater behind the `autoUpdate` setting (off by default). With a feed URL in settings a
 * generic feed is used; without one, the `publish` config baked in at build time if it is real. Downloads in the
 * background and installs on quit; the state is observable for the UI.
 */
export class AutoUpdateController {
  private current: UpdateState = { status: 'off', reason: 'Automatic updates are off.' };
  private updater: UpdaterLike | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private feed: string | null = null;
  private readonly listeners = new Set<(state: UpdateState) => void>();

  constructor(private readonly options: AutoUpdateOptions) {}

  get state(): UpdateState {
    return this.current;
  }

  onChange(listener: (state: UpdateState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows the settings: turning it on checks at once, turning it off stops checking. */
  apply(settings: Pick<AppSettings, 'autoUpdate' | 'updateFeedUrl'>): void {
    if (!settings.autoUpdate) {
      this.stopTimer();
      return this.set({ status: 'off', reason: 'Automatic updates are off.' });
    }
    if (!this.options.isPackaged) {
      return this.set({ status: 'off', reason: 'Updates apply to installed builds only.' });
    }
    // Checked here too: a settings file from an older Lookout (or edited by hand) may name any URL.
    const problem = settings.updateFeedUrl ? updateFeedProblem(settings.updateFeedUrl) : null;
    if (problem) {
      this.stopTimer();
      return this.set({ status: 'off', reason: problem });
    }
    if (!settings.updateFeedUrl && !this.options.hasBuiltInFeed) {
      this.stopTimer();
      return this.set({
        status: 'off',
        reason: 'No update feed is configured: set one in Settings.',
      });
    }
    const updater = this.ensureUpdater();
    if (updater === null) return;
    if (settings.updateFeedUrl && settings.updateFeedUrl !== this.feed) {
      updater.setFeedURL({ provider: 'generic', url: settings.updateFeedUrl });
      this.feed = settings.updateFeedUrl;
    }
    if (this.current.status === 'off') this.set({ status: 'idle' });
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), this.options.intervalMs ?? SIX_HOURS);
      this.timer.unref?.();
      this.check();
    }
  }

  /** Restarts into the downloaded update (from the tray). */
  installNow(): void {
    if (this.current.status === 'downloaded') this.updater?.quitAndInstall();
  }

  dispose(): void {
    this.stopTimer();
    this.listeners.clear();
  }

  private check(): void {
    const updater = this.updater;
    if (!updater || this.current.status === 'downloaded') return;
    updater.checkForUpdates().catch((error: unknown) => {
      this.set({
        status: 'error',
        message: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private ensureUpdater(): UpdaterLike | null {
    if (this.updater) return this.updater;
    try {
      const updater = this.options.createUpdater();
      updater.autoDownload = true;
      updater.autoInstallOnAppQuit = true;
      updater.on('checking-for-update', () => this.set({ status: 'checking' }));
      updater.on('update-not-available', () =>
        this.set({ status: 'up-to-date', checkedAt: (this.options.now ?? Date.now)() }),
      );
      updater.on('update-available', (info) =>
        this.set({ status: 'downloading', version: info.version, percent: 0 }),
      );
      updater.on('download-progress', (info) => {
        if (this.current.status === 'downloading') {
          this.set({ ...this.current, percent: Math.round(info.percent) });
        }
      });
      updater.on('update-downloaded', (info) =>
        this.set({ status: 'downloaded', version: info.version }),
      );
      updater.on('error', (error) => this.set({ status: 'error', message: error.message }));
      this.updater = updater;
      return updater;
    } catch (error) {
      this.set({
        status: 'error',
        message: `updater unavailable: ${error instanceof Error ? error.message : String(error)}`,
      });
      return null;
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private set(state: UpdateState): void {
    this.current = state;
    if (state.status === 'error')
      this.options.logger.warn('update failed', { error: state.message });
    else this.options.logger.info('update state', { status: state.status });
    for (const listener of this.listeners) listener(state);
  }
}

/** The tray's words for an update state, or null when there is nothing to say. */
export function updateLabel(state: UpdateState): string | null {
  switch (state.status) {
    case 'downloading':
      return `Downloading update ${state.version} (${state.percent}%)`;
    case 'downloaded':
      return `Restart to install ${state.version}`;
    case 'error':
      return 'Update failed (see log)';
    default:
      return null;
  }
}
