import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait';

/**
 * Real Redis topologies for the gateway's tests, made of Debian's `redis-server` processes on
 * loopback ports: a Sentinel set (a primary, two replicas, three sentinels: `redis-server
 * --sentinel`, the same binary as Debian's `redis-sentinel`) and a Cluster (three primaries, each
 * with two replicas). Every process is started by the test and ended by its PID.
 */

/** One redis-server process on a loopback port. */
class RedisProcess {
  private child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
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

  /** SIGKILL: a crash, not a shutdown. */
  async kill(): Promise<void> {
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

// Replicas sync at once (Redis 7 waits 5 s for more replicas before a diskless sync by default,
// and a replica that never synced neither acknowledges writes nor takes over).
const COMMON = [
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
  '--repl-diskless-sync-delay',
  '0',
];

/** Until every replica among `ports` says its link to its primary is up. */
async function waitReplicasSynced(ports: number[]): Promise<void> {
  await waitFor(
    async () => {
      for (const port of ports) {
        const info = await command(port, 'INFO replication', 2_000);
        if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
      }
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: 'the replicas to finish their first sync' },
  );
}

/** A primary, two replicas and three sentinels watching them as `name`. */
export class SentinelSet {
  readonly name = 'lookout-test';
  private constructor(
    private readonly dir: string,
    readonly data: RedisProcess[],
    readonly sentinels: RedisProcess[],
  ) {}

  static async start(): Promise<SentinelSet> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-sentinel-'));
    const p1 = await freePort();
    // Each data node has its own directory: a replica writes the copy it receives to disk.
    const data = (port: number) => [
      '--port',
      String(port),
      '--dir',
      dir,
      '--dbfilename',
      `dump-${port}.rdb`,
    ];
    const primary = new RedisProcess(p1, [...data(p1), ...COMMON]);
    await primary.start();
    // Two replicas: after a failover one is still there to hold every write (minReplicas 1).
    const replicas: RedisProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const replica = new RedisProcess(port, [
        ...data(port),
        '--replicaof',
        '127.0.0.1',
        String(p1),
        ...COMMON,
      ]);
      await replica.start();
      replicas.push(replica);
    }
    await waitReplicasSynced(replicas.map((r) => r.port));
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor lookout-test 127.0.0.1 ${p1} 2`,
          'sentinel down-after-milliseconds lookout-test 1000',
          'sentinel failover-timeout lookout-test 10000',
          'sentinel parallel-syncs lookout-test 1',
          '',
        ].join('\n'),
      );
      sentinels.push(new RedisProcess(port, [conf, '--sentinel']));
    }
    for (const s of sentinels) await s.start();
    const set = new SentinelSet(dir, [primary, ...replicas], sentinels);
    // Ready once every sentinel knows the replica and the other sentinels (their hello messages).
    await waitFor(
      async () => {
        for (const s of sentinels) {
          const info = await command(s.port, 'INFO sentinel');
          if (!/slaves=2,sentinels=3/.test(info)) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the sentinels to know each other' },
    );
    return set;
  }

  get sentinelNodes(): Array<{ host: string; port: number }> {
    return this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** The port the sentinels name as primary now. */
  async primaryPort(): Promise<number> {
    for (const s of this.sentinels) {
      if (!s.running) continue;
      const reply = await command(s.port, `SENTINEL get-master-addr-by-name ${this.name}`);
      const port = Number(reply.split('\r\n')[4]);
      if (Number.isInteger(port) && port > 0) return port;
    }
    throw new Error('no sentinel names a primary');
  }

  /** Kill the primary (-9) and wait until the sentinels promoted the replica. */
  async failover(): Promise<number> {
    const before = await this.primaryPort();
    const primary = this.data.find((d) => d.port === before);
    await primary?.kill();
    return waitFor(
      async () => {
        const now = await this.primaryPort();
        if (now === before) return 0;
        return (await command(now, 'ROLE')).includes('master') ? now : 0;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the sentinels to promote the replica' },
    );
  }

  async stop(): Promise<void> {
    for (const p of [...this.sentinels, ...this.data]) await p.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Three primaries with two replicas each, in cluster mode (one replica is left after a failover). */
export class RedisClusterSet {
  private constructor(
    private readonly dir: string,
    readonly nodes: RedisProcess[],
  ) {}

  static async start(): Promise<RedisClusterSet> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-cluster-'));
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < 9; i++) {
      const port = await freePort();
      nodes.push(
        new RedisProcess(port, [
          '--port',
          String(port),
          ...COMMON,
          '--dir',
          dir,
          '--dbfilename',
          `dump-${port}.rdb`,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '1000',
          // A replica takes over however long ago it last heard its primary (tests kill primaries).
          '--cluster-replica-validity-factor',
          '0',
        ]),
      );
    }
    for (const n of nodes) await n.start();
    const set = new RedisClusterSet(dir, nodes);
    await new Promise<void>((resolve, reject) => {
      const cli = spawn(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          '2',
          '--cluster-yes',
        ],
        { stdio: 'ignore' },
      );
      cli.once('error', reject);
      cli.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create exited ${code}`)),
      );
    });
    await set.waitHealthy();
    await waitReplicasSynced(nodes.map((n) => n.port));
    return set;
  }

  get rootUrls(): string[] {
    return this.nodes.map((n) => `redis://127.0.0.1:${n.port}`);
  }

  /** Until every running node says the cluster is ok. */
  async waitHealthy(): Promise<void> {
    await waitFor(
      async () => {
        for (const n of this.nodes) {
          if (!n.running) continue;
          if (!(await command(n.port, 'CLUSTER INFO')).includes('cluster_state:ok')) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the cluster to be ok' },
    );
  }

  /** The port of the primary that holds `key`. */
  async primaryFor(key: string): Promise<number> {
    const first = this.nodes.find((n) => n.running);
    if (!first) throw new Error('no node runs');
    const slot = Number((await command(first.port, `CLUSTER KEYSLOT ${key}`)).slice(1));
    for (const n of this.nodes) {
      if (!n.running) continue;
      const role = await command(n.port, 'ROLE');
      if (!role.includes('master')) continue;
      const nodes = await command(n.port, 'CLUSTER NODES', 2_000);
      const mine = nodes.split('\n').find((l) => l.includes('myself'));
      const ranges = (mine ?? '').split(' ').slice(8);
      for (const r of ranges) {
        const [a, b] = r.split('-').map(Number);
        if (a !== undefined && slot >= a && slot <= (b ?? a)) return n.port;
      }
    }
    throw new Error(`no primary holds slot ${slot}`);
  }

  /** Kill (-9) the primary holding `key` and wait until its replica took over. */
  async failover(key: string): Promise<number> {
    const port = await this.primaryFor(key);
    await this.nodes.find((n) => n.port === port)?.kill();
    await waitFor(
      async () => {
        try {
          return (await this.primaryFor(key)) !== port;
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a replica to take over' },
    );
    await this.waitHealthy();
    return this.primaryFor(key);
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
