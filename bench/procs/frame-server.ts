/**
 * The sender of benchmarks 1–3: a plain `ws` server on 127.0.0.1 in its own process that sends
 * bursts of realistic frames (lookout or django-channels) to whoever is connected, at full speed
 * (with backpressure) or at a fixed rate. It answers lookout subscribes and app pings so the
 * real Session sees a well-behaved peer.
 */
import type { Socket } from 'node:net';
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

/** Frames per write in a full-speed burst. */
const BATCH = 256;

/** A full-speed burst's frames, serialised and framed (server frames are unmasked) in batches. */
function prebuiltBatches(
  dialect: FrameDialect,
  from: number,
  count: number,
  mix: LookoutMix,
): Array<{ frames: number; bytes: Buffer }> {
  const at = hrNow();
  const batches: Array<{ frames: number; bytes: Buffer }> = [];
  for (let first = 1; first <= count; first += BATCH) {
    const parts: Buffer[] = [];
    const last = Math.min(count, first + BATCH - 1);
    for (let n = first; n <= last; n++) {
      const data = Buffer.from(frameFor(dialect, from + n, at, mix));
      parts.push(textFrameHeader(data.length), data);
    }
    batches.push({ frames: last - first + 1, bytes: Buffer.concat(parts) });
  }
  return batches;
}

/** RFC 6455 §5.2 header of a final, unmasked text frame (what a server sends) of `length` bytes. */
function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65_536) {
    const header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * The socket under a ws connection. `ws` keeps it private; the benchmark writes pre-framed
 * batches to it directly (nothing else writes while a burst runs, bar small acks that ws writes
 * whole between our writes).
 */
function rawSocket(ws: WebSocket): Socket | undefined {
  return (ws as unknown as { _socket?: Socket })._socket;
}

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
  let started = hrNow();
  let deadline = started + cmd.maxMs;
  const mix = cmd.mix ?? 'dashboard';
  const from = cmd.from ?? 0;
  stopRequested = false;
  const times: number[] = [];
  let sent = 0;
  let senderCpu: { cpuMs: number; wallMs: number } | null = null;
  if (cmd.rate <= 0) {
    // Never the limit: every frame is serialised and framed before the clock starts, and frames
    // go out in corked batches of one write each (ws would make two writes per frame).
    const batches = prebuiltBatches(cmd.dialect, from, cmd.count, mix);
    // The burst's time starts once its frames are built (on a loaded machine that takes a while).
    started = hrNow();
    deadline = started + cmd.maxMs;
    const cpuBefore = process.cpuUsage();
    const busyStart = hrNow();
    for (const batch of batches) {
      if (hrNow() >= deadline || stopRequested) break;
      for (const ws of targets) rawSocket(ws)?.write(batch.bytes);
      sent += batch.frames;
      for (const ws of targets) if (ws.bufferedAmount > HIGH_WATER) await drained(ws);
      // Let socket writes and incoming frames through between batches.
      await new Promise((r) => setImmediate(r));
    }
    const cpu = process.cpuUsage(cpuBefore);
    senderCpu = { cpuMs: (cpu.user + cpu.system) / 1_000, wallMs: hrNow() - busyStart };
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
    // The sender's own CPU over the burst: near its wall time, the sender (not the client) was the
    // limit, and a ratio measured against it would flatter the slower side.
    ...(senderCpu ? { senderCpuMs: senderCpu.cpuMs, senderWallMs: senderCpu.wallMs } : {}),
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
