import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { command, RedisServer } from './redis-server';
import { waitFor } from './wait';

/**
 * Real Redis topologies for the gateway's tests, made of Debian's `redis-server` processes on
 * loopback ports: a Sentinel set (a primary, two replicas, three sentinels: `redis-server
 * --sentinel`, the same binary as Debian's `redis-sentinel`) and a Cluster (three primaries, each
 * with two replicas). Every process is started by the test and ended by its PID.
 */

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
    readonly data: RedisServer[],
    readonly sentinels: RedisServer[],
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
    const primary = new RedisServer(p1, [...data(p1), ...COMMON]);
    await primary.restart();
    // Two replicas: after a failover one is still there to hold every write (minReplicas 1).
    const replicas: RedisServer[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const replica = new RedisServer(port, [
        ...data(port),
        '--replicaof',
        '127.0.0.1',
        String(p1),
        ...COMMON,
      ]);
      await replica.restart();
      replicas.push(replica);
    }
    await waitReplicasSynced(replicas.map((r) => r.port));
    const sentinels: RedisServer[] = [];
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
      sentinels.push(new RedisServer(port, [conf, '--sentinel']));
    }
    for (const s of sentinels) await s.restart();
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
    await primary?.stop();
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
    for (const p of [...this.sentinels, ...this.data]) await p.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Three primaries with two replicas each, in cluster mode (one replica is left after a failover). */
export class RedisClusterSet {
  private constructor(
    private readonly dir: string,
    readonly nodes: RedisServer[],
  ) {}

  static async start(): Promise<RedisClusterSet> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-cluster-'));
    const nodes: RedisServer[] = [];
    for (let i = 0; i < 9; i++) {
      const port = await freePort();
      nodes.push(
        new RedisServer(port, [
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
    for (const n of nodes) await n.restart();
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
    await this.nodes.find((n) => n.port === port)?.stop();
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
    for (const n of this.nodes) await n.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
