import { ipcMain } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  INVOKE_CHANNELS,
  SEND_CHANNELS,
  type InvokeChannel,
  type PushChannel,
  type PushPayloads,
  type SendChannel,
} from '../../shared/ipc/contract';
import type { LookoutCoreApi } from '../core/app/core-api';
import { IpcRejectedError } from '../core/ipc/ipc-router';
import type { Logger } from '../core/kernel/ports';

/** Where the gateway may accept messages from and push to; the window manager supplies it. */
export interface IpcTarget {
  /** `app://lookout/index.html`: the only frame URL trusted. */
  rendererUrl: string;
  /** Our window's webContents (null while no window exists). */
  webContents(): WebContents | null;
}

/** Why messages were turned away, for diagnostics and tests. */
export interface IpcGatewayCounters {
  accepted: number;
  rejectedSender: number;
  invalidPayload: number;
  /** Pushes dropped because no window was open (the renderer fetches initial state on load). */
  pushesDropped: number;
}

/**
 * THE one place main listens to the renderer (lint forbids `ipcMain` elsewhere). Registers a
 * handler for every channel of the shared contract and checks that the message comes from our
 * window's main frame at our renderer URL; the core validates it against the contract (its IPC
 * router, the one place that does). Pushes go to our window only.
 */
export class IpcGateway {
  readonly counters: IpcGatewayCounters = {
    accepted: 0,
    rejectedSender: 0,
    invalidPayload: 0,
    pushesDropped: 0,
  };
  private unsubscribePush: (() => void) | null = null;

  constructor(
    private readonly core: Pick<LookoutCoreApi, 'invoke' | 'send' | 'onPush'>,
    private readonly target: IpcTarget,
    private readonly logger: Logger,
    /** The page said `app:ready` (it has subscribed to pushes): host-side state can be sent. */
    private readonly onRendererReady: () => void = () => {},
  ) {}

  /** Registers every handler and starts forwarding pushes. */
  start(): void {
    for (const channel of INVOKE_CHANNELS) {
      ipcMain.handle(channel, (event, request: unknown) =>
        this.handleInvoke(channel, event, request),
      );
    }
    for (const channel of SEND_CHANNELS) {
      ipcMain.on(channel, (event, payload: unknown) => this.handleSend(channel, event, payload));
    }
    this.unsubscribePush = this.core.onPush((channel, payload) => this.push(channel, payload));
  }

  /** Sends a push to our window only (the core's pushes, and the host's own such as `app:update`). */
  push<C extends PushChannel>(channel: C, payload: PushPayloads[C]): void {
    const contents = this.target.webContents();
    if (!contents || contents.isDestroyed()) {
      this.counters.pushesDropped += 1;
      return;
    }
    contents.send(channel, payload);
  }

  /** Removes every handler (app shutdown, tests). */
  stop(): void {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
    for (const channel of SEND_CHANNELS) ipcMain.removeAllListeners(channel);
    this.unsubscribePush?.();
    this.unsubscribePush = null;
  }

  private async handleInvoke(
    channel: InvokeChannel,
    event: IpcMainInvokeEvent,
    request: unknown,
  ): Promise<unknown> {
    if (!this.trusted(channel, event)) throw new IpcRejectedError(channel, 'unknown-sender', '');
    try {
      const answer = await this.core.invoke(channel, request as never);
      this.counters.accepted += 1;
      return answer;
    } catch (error) {
      if (error instanceof IpcRejectedError) this.counters.invalidPayload += 1;
      else this.counters.accepted += 1;
      throw error;
    }
  }

  private handleSend(channel: SendChannel, event: IpcMainEvent, payload: unknown): void {
    if (!this.trusted(channel, event)) return;
    try {
      if (!this.core.send(channel, payload as never)) {
        this.counters.invalidPayload += 1;
        return;
      }
      this.counters.accepted += 1;
      if (channel === 'app:ready') this.onRendererReady();
    } catch (error) {
      this.logger.error('ipc send handler failed', {
        channel,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private trusted(channel: string, event: IpcMainEvent | IpcMainInvokeEvent): boolean {
    const ours = this.target.webContents();
    const frame = event.senderFrame;
    const ok =
      ours !== null &&
      !ours.isDestroyed() &&
      event.sender === ours &&
      frame !== null &&
      frame.parent === null &&
      stripFragment(frame.url) === this.target.rendererUrl;
    if (!ok) {
      this.counters.rejectedSender += 1;
      this.logger.warn('ipc message from an unknown sender refused', {
        channel,
        frameUrl: frame ? stripFragment(frame.url).slice(0, 200) : null,
      });
    }
    return ok;
  }
}

/** The renderer may use `#/route` hashes and queries; trust is about the document, not the route. */
function stripFragment(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
