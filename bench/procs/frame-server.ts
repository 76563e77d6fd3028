/**
 * The sender of benchmarks 1–3: a plain `ws` server on 127.0.0.1 in its own process that sends
 * bursts of realistic frames (lookout or django-channels) to whoever is connected, at full speed
 * (with backpressure) or at a fixed rate. It answers lookout subscribes and app pings so the
 * real Session sees a well-behaved peer.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { childOptions, onCommand, reply } from '../support/child';
import { frameFor, type FrameDialect, type LookoutMix } from '../support/frames';
import { hrNow } from '../support/hr-clock';

interface BurstCommand {
  type: 'burst';
  dialect: FrameDialect;
  count: number;
  /** Frames per second; 0 = as fast as the socket takes them. */
  rate: number;
  mix?: LookoutMix;
  /** Hard cap on the burst's duration. */
  maxMs: number;
  /** Seq/number of the first frame minus one (later bursts continue where earlier ones ended). */
  from?: number;
  /** Report the wall-clock send time (Date.now()) of every frame (the browser only has wall time). */
  recordTimes?: boolean;
}

/** Above this many bytes queued in a socket, wait for it to drain (backpressure). */
const HIGH_WATER = 1024 * 1024;

childOptions<Record<string, never>>();
const clients = new Set<WebSocket>();
/** Set by `stop-burst`: the running burst ends at its next batch. */
let stopRequested = false;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });

wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => clients.delete(ws));
  ws.on('message', (data) => {
    let frame: { type?: unknown; channel?: unknown; t?: unknown };
    try {
      frame = JSON.parse(String(data)) as typeof frame;
    } catch {
      return;
    }
    if (frame.type === 'subscribe' && typeof frame.channel === 'string') {
      ws.send(JSON.stringify({ type: 'subscribed', channel: frame.channel, head: 0 }));
    } else if (frame.type === 'ping' && typeof frame.t === 'number') {
      ws.send(JSON.stringify({ type: 'pong', t: frame.t, serverTime: Date.now() }));
    }
  });
  reply({ type: 'connected', clients: clients.size });
});

wss.on('listening', () => {
  const address = wss.address();
  reply({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});

function drained(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ws.bufferedAmount < HIGH_WATER / 4 || ws.readyState !== ws.OPEN) resolve();
      else setTimeout(check, 1);
    };
    check();
  });
}

async function burst(cmd: BurstCommand): Promise<void> {
  const targets = [...clients];
  const started = hrNow();
  const deadline = started + cmd.maxMs;
  const mix = cmd.mix ?? 'dashboard';
  const from = cmd.from ?? 0;
  stopRequested = false;
  const times: number[] = [];
  let sent = 0;
  if (cmd.rate <= 0) {
    while (sent < cmd.count && hrNow() < deadline && !stopRequested) {
      const end = Math.min(cmd.count, sent + 256);
      for (; sent < end;) {
        sent += 1;
        const frame = frameFor(cmd.dialect, from + sent, hrNow(), mix);
        for (const ws of targets) ws.send(frame);
      }
      for (const ws of targets) if (ws.bufferedAmount > HIGH_WATER) await drained(ws);
      // Let socket writes and incoming frames through between batches.
      await new Promise((r) => setImmediate(r));
    }
  } else {
    const interval = 1_000 / cmd.rate;
    while (sent < cmd.count && hrNow() < deadline && !stopRequested) {
      const due = Math.min(cmd.count, Math.floor((hrNow() - started) / interval) + 1);
      while (sent < due) {
        sent += 1;
        if (cmd.recordTimes) times.push(Date.now());
        const frame = frameFor(cmd.dialect, from + sent, hrNow(), mix);
        for (const ws of targets) ws.send(frame);
      }
      const nextAt = started + sent * interval;
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, nextAt - hrNow()))));
    }
  }
  reply({
    type: 'burst-done',
    sent,
    elapsedMs: hrNow() - started,
    ...(cmd.recordTimes ? { times } : {}),
  });
}

onCommand(async (message) => {
  if (message.type === 'burst') await burst(message as unknown as BurstCommand);
  else if (message.type === 'stop-burst') stopRequested = true;
  else if (message.type === 'close-all') {
    for (const ws of clients) ws.terminate();
    clients.clear();
    reply({ type: 'closed' });
  }
});
