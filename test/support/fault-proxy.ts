import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Bytes on their way in one direction of one connection, in order. */
interface Lane {
  to: Socket;
  queue: Array<{ chunk: Buffer; due: number }>;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * A fault-injecting TCP proxy on 127.0.0.1 for liveness and failure tests. It forwards to a target
 * port and can pause (half-open: nothing passes, nothing closes), add latency, trickle bytes,
 * drop connections (FIN) or reset them (RST), and refuse new ones.
 *
 * It misbehaves only as a network can: bytes of a connection arrive late, slowly or not until the
 * path heals, but never out of order and never with a hole while the connection lives on (TCP
 * retransmits; a path that stays dead ends the connection). A proxy that dropped bytes during a
 * pause, or let a chunk overtake a delayed one when the delay changed, corrupted streams in ways
 * no network does, and once made the soak lose events it was not testing for.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private readonly lanes = new Set<Lane>();
  private paused = false;
  private delayMs = 0;
  private trickleBytes = 0;
  port = 0;
  connections = 0;

  constructor(private targetPort: number) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  retarget(port: number): void {
    this.targetPort = port;
  }

  async start(): Promise<this> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
    return this;
  }

  private accept(client: Socket): void {
    this.connections += 1;
    const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: Socket, to: Socket): void {
    const lane: Lane = { to, queue: [], timer: null };
    this.lanes.add(lane);
    from.on('data', (chunk: Buffer) => {
      lane.queue.push({ chunk, due: Date.now() + this.delayMs });
      this.pump(lane);
    });
    const forget = () => {
      if (lane.timer) clearTimeout(lane.timer);
      lane.queue = [];
      this.lanes.delete(lane);
    };
    from.once('close', forget);
    to.once('close', forget);
  }

  /** Write what is due, in arrival order (a chunk never overtakes an earlier, later-due one). */
  private pump(lane: Lane): void {
    if (lane.timer || this.paused) return;
    const now = Date.now();
    while (lane.queue.length > 0 && (lane.queue[0]?.due ?? 0) <= now) {
      const { chunk } = lane.queue.shift() as { chunk: Buffer };
      if (lane.to.destroyed) continue;
      if (this.trickleBytes > 0) {
        for (let i = 0; i < chunk.length; i += this.trickleBytes)
          lane.to.write(chunk.subarray(i, i + this.trickleBytes));
      } else {
        lane.to.write(chunk);
      }
    }
    const next = lane.queue[0];
    if (next) {
      lane.timer = setTimeout(() => {
        lane.timer = null;
        this.pump(lane);
      }, next.due - now);
    }
  }

  /**
   * Half-open: keep every socket open but let nothing through, either way. What is sent meanwhile
   * waits, as TCP keeps retransmitting it, and arrives if the path heals before a peer gives up.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const lane of this.lanes) this.pump(lane);
  }

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  setTrickle(bytes: number): void {
    this.trickleBytes = bytes;
  }

  /** Close every live connection with a FIN. */
  drop(): void {
    for (const { client, upstream } of this.pairs) {
      client.end();
      upstream.end();
    }
  }

  /** Reset every live connection (RST), as a crashing middlebox would. */
  reset(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  async stop(): Promise<void> {
    this.reset();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
