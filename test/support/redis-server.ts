import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port';
import { waitFor } from './wait';

/**
 * One real redis-server process on a loopback port, owned by one test file: started on a free
 * port (or the one a topology chose, with its own arguments), stoppable and restartable on the
 * same port (to test outages), ended by its PID. The one Redis process helper: the Sentinel and
 * Cluster sets in `redis-topologies.ts` are made of these.
 */
export class RedisServer {
  private child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly args: string[] = [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
    ],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether the process is up (started and neither stopped nor exited). */
  get running(): boolean {
    return this.child !== null;
  }

  /** A plain server on a free port, answering PING. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** Start (again) on the same port and wait until it answers PING. */
  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', this.args, { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await waitFor(() => command(this.port, 'PING').then((r) => r.startsWith('+PONG')), {
      timeoutMs: 10_000,
      what: `redis-server on ${this.port}`,
    });
  }

  /** Stop the server (SIGKILL: an outage or a crash, not a graceful shutdown) and wait for the process to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Send one inline command and read what arrives within a moment (enough for short replies). */
export function command(port: number, line: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    const done = () => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(timeoutMs, done);
    socket.once('error', done);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data) => {
      text += data.toString();
      // A whole simple reply, bulk or array of bulks has arrived once it ends with CRLF and parses.
      if (complete(text)) done();
    });
  });
}

function complete(reply: string): boolean {
  if (!reply.endsWith('\r\n')) return false;
  const type = reply[0];
  if (type === '+' || type === '-' || type === ':') return true;
  if (type === '$') {
    const n = Number(reply.slice(1, reply.indexOf('\r\n')));
    return n < 0 || Buffer.byteLength(reply) >= reply.indexOf('\r\n') + 2 + n + 2;
  }
  if (type === '*') {
    const n = Number(reply.slice(1, reply.indexOf('\r\n')));
    return n <= 0 || reply.split('\r\n').length - 1 >= 1 + 2 * n;
  }
  return true;
}

/**
 * A redis-server for the tests of the enclosing file or `describe`: started before them, stopped
 * after them. Read `.url` inside tests (the port is known once it started).
 */
export function useRedisServer(): { readonly url: string } {
  let server: RedisServer | null = null;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url(): string {
      if (!server) throw new Error('useRedisServer: read .url inside a test');
      return server.url;
    },
  };
}
