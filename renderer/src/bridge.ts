import type { LookoutBridge } from '../../shared/ipc/contract';
import { createWsBridge, secretFromPage } from './host/ws-bridge';

declare global {
  interface Window {
    /** Installed by the Electron preload or the browser host's loopback adapter. */
    lookout?: LookoutBridge;
  }
}

/** Where the bridge came from: the real host, the built-in demo, or nowhere. */
export type BridgeSource =
  | {
      kind: 'host';
      bridge: LookoutBridge;
      /** Settles when the browser host refuses this tab's key (an old or wrong address). */
      refused?: Promise<void>;
    }
  | { kind: 'demo'; bridge: LookoutBridge; start: () => () => void }
  | { kind: 'missing' };

/**
 * The renderer's one way to reach main. `window.lookout` when a host installed it; with
 * `?fake=1` and no host, the in-page demo bridge (loaded lazily so it is not in the normal path).
 */
export async function getBridge(win: Window = window): Promise<BridgeSource> {
  if (win.lookout) return { kind: 'host', bridge: win.lookout };
  // The browser host prints an address carrying this launch's secret (`?k=…`).
  const secret = secretFromPage(win);
  if (secret) {
    let onRefused = () => {};
    const refused = new Promise<void>((resolve) => (onRefused = resolve));
    const bridge = createWsBridge(secret, win, (status) => {
      if (status === 'refused') onRefused();
    });
    win.lookout = bridge;
    return { kind: 'host', bridge, refused };
  }
  const params = new URLSearchParams(win.location.search);
  if (params.get('fake') === '1') {
    const { createFakeBridge } = await import('./dev/fake-bridge');
    const bridge = createFakeBridge();
    return { kind: 'demo', bridge, start: () => bridge.startDemo() };
  }
  return { kind: 'missing' };
}
