import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../shared/ipc/contract';
import type { AppSettings } from '../../shared/model/settings';
import type { LookoutCoreApi, PushListener, TrayModel } from '../../electron/core/app/core-api';
import { IpcRouter, type IpcHandlers } from '../../electron/core/ipc/ipc-router';

/**
 * A core that records what the host asked of it; tests drive pushes and tray changes by hand.
 * Messages go through the real IPC router (validation is the core's job), so only what the
 * contract accepts is recorded.
 */
export class FakeCore implements LookoutCoreApi {
  readonly invoked: Array<{ channel: string; request: unknown }> = [];
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly clicked: Array<string | undefined> = [];
  readonly paused: Array<number | null> = [];
  /** What the host wrote to the core's log. */
  readonly logged: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  readonly log = {
    info: (message: string, fields?: Record<string, unknown>) =>
      this.logged.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) =>
      this.logged.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      this.logged.push({ level: 'error', message, fields }),
  };
  reconnects = 0;
  started = 0;
  stopped = 0;
  private readonly pushListeners = new Set<PushListener>();
  private readonly trayListeners = new Set<(m: TrayModel) => void>();
  tray: TrayModel = {
    health: 'ok',
    unread: 0,
    tooltip: 'Lookout: 1 endpoint connected',
    notificationsPaused: false,
    pausedUntil: null,
    quiet: null,
  };
  /** What `invoke` resolves with, per channel (default `{ ok: true }`). */
  responses = new Map<string, unknown>();

  async start(): Promise<void> {
    this.started += 1;
  }
  async stop(): Promise<void> {
    this.stopped += 1;
  }
  private readonly router = new IpcRouter(
    Object.fromEntries([
      ...INVOKE_CHANNELS.map((channel) => [
        channel,
        async (request: unknown) => {
          this.invoked.push({ channel, request });
          return this.responses.get(channel) ?? { ok: true };
        },
      ]),
      ...SEND_CHANNELS.map((channel) => [
        channel,
        (payload: unknown) => {
          this.sent.push({ channel, payload });
        },
      ]),
    ]) as IpcHandlers,
    this.log,
  );
  invoke: LookoutCoreApi['invoke'] = async (channel, request) =>
    (await this.router.invoke(channel, request)) as never;
  send: LookoutCoreApi['send'] = (channel, payload) => this.router.send(channel, payload);
  onPush(listener: PushListener): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }
  /** As the real core: a settings change is pushed to the renderer and told to the host. */
  push: PushListener = (channel, payload) => {
    for (const listener of this.pushListeners) listener(channel, payload);
    if (channel === 'settings:changed')
      for (const listener of this.settingsListeners) listener(payload as AppSettings);
  };
  private readonly settingsListeners = new Set<(settings: AppSettings) => void>();
  onSettingsChanged(listener: (settings: AppSettings) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }
  trayModel(): TrayModel {
    return this.tray;
  }
  onTrayChange(listener: (model: TrayModel) => void): () => void {
    this.trayListeners.add(listener);
    return () => this.trayListeners.delete(listener);
  }
  setTray(model: Partial<TrayModel>): void {
    this.tray = { ...this.tray, ...model };
    for (const listener of this.trayListeners) listener(this.tray);
  }
  notificationClicked(link: string | undefined): void {
    this.clicked.push(link);
  }
  reconnectAll(): void {
    this.reconnects += 1;
  }
  pauseNotifications(until: number | null): void {
    this.paused.push(until);
  }
  get pushListenerCount(): number {
    return this.pushListeners.size;
  }
}
