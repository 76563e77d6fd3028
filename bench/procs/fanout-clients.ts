/**
 * A process holding many subscribed clients for the fan-out benchmark, as lean as a WebSocket
 * client can be, so that the harness is not what limits the servers it measures: each client is a
 * plain TCP socket that does the RFC 6455 handshake itself, then reads frame headers, counts the
 * text frames carrying an event (they hold `"sentAt":`) and reads the publisher's monotonic stamp
 * out of the bytes to time publish → receive; no per-frame objects, no JSON parse. It answers
 * PINGs with the same payload (Lookout closes a client that does not) and subscribes with one
 * masked frame per channel. Every client reads every server it is given (`each`: the
 * Lookout-vs-plain rounds, one server publishing at a time) or one of them (`split`: the Redis
 * rounds, half the clients on each instance).
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';
import { LogHistogram } from '../support/log-histogram';

interface Options {
  servers: Array<{ url: string; token: string }>;
  spread: 'each' | 'split';
  /** Clients of this process (per server in `each`, in all in `split`). */
  clients: number;
  /** This process's place: its client i is client number i × processes + index overall. */
  index: number;
  processes: number;
  /** Channels, each subscribed by the clients numbered below `clients` overall. */
  channels: Array<{ name: string; clients: number }>;
  /** A loopback address of its own (127.0.0.x): its own ports and per-address handshake cap. */
  localAddress: string;
  /** Handshakes in flight at once. */
  concurrency: number;
}

const options = childOptions<Options>();
const SENT_AT = Buffer.from('"sentAt":');
const SUBSCRIBED = Buffer.from('"type":"subscribed"');
const latencies = new LogHistogram();
let resetAt = { cpu: 0, at: 0 };

interface Client {
  server: number;
  /** Number overall (across processes), which decides its channels. */
  global: number;
  socket: Socket;
  events: number;
  subscribed: number;
  wants: number;
  closed: boolean;
  /** Called once, when every wanted `subscribed` has come (or the client failed first). */
  settle: (ok: boolean) => void;
}
const clients: Client[] = [];
let failures = 0;
const errors = new Map<string, number>();

function cpuMicros(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

/** A masked client frame (the mask is zero: the server only requires the MASK bit). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('client frames here are short');
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  payload.copy(frame, 6);
  return frame;
}

/** Read the publisher's stamp after `"sentAt":` (a number of ms with a fraction). */
function stampAt(buf: Buffer, from: number, end: number): number {
  let i = from;
  let value = 0;
  let scale = 0;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (scale) scale *= 10;
    } else if (c === 46 && !scale) scale = 1;
    else break;
  }
  return scale ? value / scale : value;
}

/** Handle every whole frame in `buf` from `offset`; returns where the unread rest starts. */
function frames(client: Client, buf: Buffer, offset: number): number {
  let at = offset;
  for (;;) {
    if (buf.length - at < 2) return at;
    const opcode = (buf[at] as number) & 0x0f;
    let len = (buf[at + 1] as number) & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - at < 4) return at;
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - at < 10) return at;
      len = Number(buf.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (buf.length - at < head + len) return at;
    const start = at + head;
    const end = start + len;
    if (opcode === 1) {
      const s = buf.indexOf(SENT_AT, start);
      if (s >= 0 && s < end) {
        const now = hrNow();
        client.events += 1;
        latencies.add(now - stampAt(buf, s + SENT_AT.length, end));
      } else if (client.subscribed < client.wants) {
        const t = buf.indexOf(SUBSCRIBED, start);
        if (t >= 0 && t < end) {
          client.subscribed += 1;
          if (client.subscribed === client.wants) client.settle(true);
        }
      }
    } else if (opcode === 9) {
      client.socket.write(clientFrame(0xa, buf.subarray(start, end)));
    } else if (opcode === 8) {
      client.closed = true;
      const code = len >= 2 ? buf.readUInt16BE(start) : 1005;
      count(`closed by the server (${code})`);
      client.socket.end();
    }
    at = end;
  }
}

function count(error: string): void {
  errors.set(error, (errors.get(error) ?? 0) + 1);
}

/** One client on one server: resolves once it has every channel's `subscribed`. */
function open(server: number, global: number): Promise<boolean> {
  const { url, token } = options.servers[server] as { url: string; token: string };
  const target = new URL(url);
  const wants = options.channels.filter((c) => global < c.clients).map((c) => c.name);
  return new Promise((resolve) => {
    const socket = tcpConnect({
      host: target.hostname,
      port: Number(target.port),
      localAddress: options.localAddress,
    });
    socket.setNoDelay(true);
    const client: Client = {
      server,
      global,
      socket,
      events: 0,
      subscribed: 0,
      wants: wants.length,
      closed: false,
      settle: (ok) => settle(ok),
    };
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (!ok) failures += 1;
      resolve(ok);
    };
    let pending: Buffer | null = null;
    let upgraded = false;
    socket.on('connect', () => {
      socket.write(
        `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          (token ? `Authorization: Bearer ${token}\r\n` : '') +
          '\r\n',
      );
    });
    socket.on('data', (chunk: Buffer) => {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          pending = buf;
          return;
        }
        const status = buf.toString('latin1', 0, buf.indexOf('\r\n'));
        if (!status.startsWith('HTTP/1.1 101')) {
          count(status);
          socket.destroy();
          settle(false);
          return;
        }
        upgraded = true;
        at = end + 4;
        clients.push(client);
        if (wants.length === 0) settle(true);
        for (const name of wants)
          socket.write(
            clientFrame(0x1, Buffer.from(JSON.stringify({ type: 'subscribe', channel: name }))),
          );
      }
      at = frames(client, buf, at);
      // A copy of the unread tail, so it does not keep the whole chunk alive.
      pending = at < buf.length ? Buffer.from(buf.subarray(at)) : null;
    });
    socket.on('error', (error) => {
      count(error.message);
      settle(false);
    });
    socket.on('close', () => {
      client.closed = true;
      settle(false);
    });
  });
}

async function connectAll(): Promise<void> {
  const work: Array<[number, number]> = [];
  const { servers, spread, clients: n, index, processes } = options;
  for (let i = 0; i < n; i++) {
    const global = i * processes + index;
    if (spread === 'split') work.push([global % servers.length, global]);
    else for (let s = 0; s < servers.length; s++) work.push([s, global]);
  }
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const [server, global] = work[next++] as [number, number];
      await open(server, global);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  reply({
    type: 'ready',
    sockets: clients.length,
    failed: failures,
    errors: Object.fromEntries(errors),
  });
}

onCommand((message) => {
  if (message.type === 'reset') {
    for (const c of clients) c.events = 0;
    latencies.clear();
    resetAt = { cpu: cpuMicros(), at: hrNow() };
    reply({ type: 'reset' });
    return;
  }
  if (message.type !== 'report') return;
  // The sockets that should have had every event: those of the publishing server (any in
  // `split`) whose client is numbered below `clients`.
  const server = typeof message.server === 'number' ? message.server : null;
  const below = Number(message.clients);
  const expected = Number(message.expected);
  let sockets = 0;
  let complete = 0;
  let delivered = 0;
  let closed = 0;
  for (const c of clients) {
    if ((server !== null && c.server !== server) || c.global >= below) continue;
    sockets += 1;
    delivered += c.events;
    if (c.events >= expected) complete += 1;
    if (c.closed) closed += 1;
  }
  reply({
    type: 'report',
    sockets,
    complete,
    delivered,
    closed,
    ...(message.countsOnly === true ? {} : { latencies: latencies.toData() }),
    cpuMicros: cpuMicros() - resetAt.cpu,
    elapsedMs: hrNow() - resetAt.at,
  });
});

void connectAll();
