import type { IpcRendererEvent } from 'electron';
import { isInvokeChannel, isPushChannel, isSendChannel } from '../../shared/ipc/channels';
import type { LookoutBridge } from '../../shared/ipc/contract';

/** The slice of `ipcRenderer` the bridge uses (the real one in the preload, a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(
    channel: string,
    listener: (event: IpcRendererEvent, ...args: unknown[]) => void,
  ): unknown;
}

/**
 * Builds `window.lookout` from the shared contract's channel lists (`channels.ts`: plain names, so
 * the sandboxed preload carries no zod): only those channels, one
 * argument each, and listeners that never see the Electron event object (it would leak `sender`).
 * Payload validation happens in main; this side only refuses channels outside the contract.
 */
export function createPreloadBridge(ipc: IpcRendererLike): LookoutBridge {
  const bridge: LookoutBridge = {
    invoke: (channel, request) => {
      if (!isInvokeChannel(channel)) {
        return Promise.reject(new Error(`lookout: unknown invoke channel ${String(channel)}`));
      }
      // The response type is guaranteed by main's handler for this channel.
      return ipc.invoke(channel, request) as never;
    },
    send: (channel, payload) => {
      if (!isSendChannel(channel))
        throw new Error(`lookout: unknown send channel ${String(channel)}`);
      ipc.send(channel, payload);
    },
    on: (channel, listener) => {
      if (!isPushChannel(channel))
        throw new Error(`lookout: unknown push channel ${String(channel)}`);
      const wrapped = (_event: IpcRendererEvent, payload: unknown): void =>
        listener(payload as Parameters<typeof listener>[0]);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}
