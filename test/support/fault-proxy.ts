import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A fault-injecting TCP proxy on 127.0.0.1 for liveness and failure tests. It forwards to a target
 * port and can pause (half-open: nothing passes, nothing closes), add latency, trickle bytes,
 * drop connections (FIN) or reset them (RST), and refuse new ones.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
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
    from.on('data', (chunk: Buffer) => {
      if (this.paused) return; // black hole: the bytes are lost, as on a dead network path
      const deliver = () => {
        if (to.destroyed) return;
        if (this.trickleBytes > 0) {
          for (let i = 0; i < chunk.length; i += this.trickleBytes)
            to.write(chunk.subarray(i, i + this.trickleBytes));
        } else {
          to.write(chunk);
        }
      };
      if (this.delayMs > 0) setTimeout(deliver, this.delayMs);
      else deliver();
    });
  }

  /** Half-open: keep every socket open but let nothing through, either way. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
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
