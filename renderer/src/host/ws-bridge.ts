import type {
  BridgeWire,
  InvokeChannel,
  InvokeRequest,
  InvokeResponses,
  LookoutBridge,
  PushChannel,
  PushPayloads,
  SendChannel,
  SendPayload,
} from '../../../shared/ipc/contract';

/** Key of the per-launch secret in the page URL (`?k=…`), printed by the browser host. */
export const SECRET_PARAM = 'k';
const STORAGE_KEY = 'lookout.bridge-secret';

/**
 * The browser host's bridge: the same `LookoutBridge` the Electron preload exposes, carried over a
 * loopback WebSocket that the host only accepts with this launch's secret. The secret arrives in
 * the URL once, moves to sessionStorage and is removed from the address bar and history.
 */
export function secretFromPage(win: Window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(SECRET_PARAM);
  if (fromUrl) {
    win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete(SECRET_PARAM);
    win.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return win.sessionStorage.getItem(STORAGE_KEY);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Connects to `ws(s)://<page host>/bridge`, authenticates with the secret, reconnects if the host restarts. */
export function createWsBridge(
  secret: string,
  win: Window = window,
  onStatus?: (status: 'open' | 'closed' | 'refused') => void,
): LookoutBridge {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = 250;

  const url = `${win.location.protocol === 'https:' ? 'wss' : 'ws'}://${win.location.host}/bridge`;

  let refused = false;
  const connect = () => {
    if (refused) return;
    const ws = new WebSocket(url, [`lookout.${secret}`]);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      retryMs = 250;
      onStatus?.('open');
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (message) => {
      let wire: BridgeWire;
      try {
        wire = JSON.parse(String(message.data)) as BridgeWire;
      } catch {
        return;
      }
      if (wire.kind === 'result') {
        const waiting = pending.get(wire.id);
        if (!waiting) return;
        pending.delete(wire.id);
        if (wire.ok) waiting.resolve(wire.value);
        else waiting.reject(new Error(wire.error));
      } else if (wire.kind === 'push') {
        for (const listener of listeners.get(wire.channel) ?? [])
          (listener as (p: unknown) => void)(wire.payload);
      }
    };
    ws.onclose = () => {
      onStatus?.('closed');
      for (const [id, waiting] of pending) {
        waiting.reject(new Error('Lost the connection to Lookout; retrying.'));
        pending.delete(id);
      }
      // An attempt refused before it opened: the host is down, or it does not take this key.
      if (!opened) void checkKey();
      win.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
  };
  // A browser does not say why a WebSocket was refused: ask the host whether it takes this key.
  const checkKey = async () => {
    try {
      const r = await win.fetch('/bridge/check', {
        headers: { 'X-Lookout-Key': secret },
        cache: 'no-store',
      });
      if (r.status !== 401 || refused) return;
      refused = true;
      onStatus?.('refused');
    } catch {
      // The host is not running (or restarting): keep retrying.
    }
  };
  connect();

  const transmit = (wire: BridgeWire) => {
    const text = JSON.stringify(wire);
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
    else if (queue.length < 100) queue.push(text);
  };

  return {
    invoke<C extends InvokeChannel>(
      channel: C,
      request: InvokeRequest<C>,
    ): Promise<InvokeResponses[C]> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        transmit({ kind: 'invoke', id, channel, request });
      });
    },
    send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void {
      transmit({ kind: 'send', channel, payload });
    },
    on<C extends PushChannel>(
      channel: C,
      listener: (payload: PushPayloads[C]) => void,
    ): () => void {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}
