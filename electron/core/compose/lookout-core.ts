/** `LookoutCore`: the small façade the hosts hold; it starts and stops the composition and delegates to the IPC router. */
import type {
  InvokeChannel,
  InvokeRequest,
  InvokeResponses,
  SendChannel,
  SendPayload,
} from '../../../shared/ipc/contract';
import type { AppSettings } from '../../../shared/model/settings';
import type { CorePorts, LookoutCoreApi, PushListener, TrayModel } from '../app/core-api';
import { trayModel } from '../app/tray-model';
import { createCoreRouter } from '../ipc/core-router';
import { pauseNotifications } from '../ipc/handlers/notification-handlers';
import type { IpcRouter } from '../ipc/ipc-router';
import type { Logger } from '../kernel/ports';
import { composeCore, type ComposedCore } from './compose-core';
import { createCoreBase, type CoreBase } from './core-base';

/** The core's parts and its router, once started. */
interface Running {
  core: ComposedCore;
  router: IpcRouter;
}

/**
 * The product's brain behind the small API the hosts use (`LookoutCoreApi`): each host makes one
 * with its ports, starts it, and only translates IPC and OS events. This class only delegates:
 * `composeCore` builds the parts, the IPC router validates and dispatches every renderer message.
 */
export class LookoutCore implements LookoutCoreApi {
  private readonly base: CoreBase;
  private running: Running | null = null;
  private starting: Promise<Running> | null = null;

  constructor(private readonly ports: CorePorts) {
    this.base = createCoreBase(ports);
  }

  /** The redacted log file teed to the host's logger (see `LookoutCoreApi.log`). */
  get log(): Logger {
    return this.base.logger;
  }

  async start(): Promise<void> {
    if (this.starting) return;
    this.starting = composeCore(this.ports, this.base).then((core) => {
      this.running = { core, router: createCoreRouter(core.parts) };
      return this.running;
    });
    await this.starting;
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    if (!starting) return;
    this.starting = null;
    // A start that failed has nothing to close.
    const running = await starting.catch(() => null);
    await running?.core.close();
    this.base.logFile.close();
  }

  async invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponses[C]> {
    const running = this.running ?? (await this.starting);
    if (!running) throw new Error('Lookout has not started: restart the app.');
    return (await running.router.invoke(channel, request)) as InvokeResponses[C];
  }

  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): boolean {
    if (!this.running) {
      this.base.logger.warn('message from the renderer before start, dropped', { channel });
      return false;
    }
    return this.running.router.send(channel, payload);
  }

  onPush(listener: PushListener): () => void {
    return this.base.push.on(listener);
  }

  trayModel(): TrayModel {
    if (this.running) return this.running.core.parts.tray.model();
    return trayModel({ states: [], unread: 0, quiet: null, now: this.base.clock.now() });
  }

  onTrayChange(listener: (model: TrayModel) => void): () => void {
    return this.base.events.on('tray', listener);
  }

  onSettingsChanged(listener: (settings: AppSettings) => void): () => void {
    return this.base.events.on('settings', listener);
  }

  notificationClicked(link: string | undefined): void {
    this.base.push.push('app:navigate', { link: link ?? 'notifications' });
  }

  reconnectAll(): void {
    this.running?.core.parts.sessions.reconnect();
  }

  pauseNotifications(until: number | null): void {
    if (this.running) pauseNotifications(this.running.core.parts, until);
  }
}
