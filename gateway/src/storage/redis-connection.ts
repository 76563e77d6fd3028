import { createClient, createCluster, createSentinel } from '@redis/client';
import { failFastClientOptions } from './redis-client';
import type { RedisTopology } from './redis-topology';

/**
 * The few things the gateway asks of Redis, the same whatever the topology: the event log and the
 * auth state are written once against this, and only `connectRedis` knows whether the commands
 * go to one server, to the primary the sentinels name, or to the cluster node owning a key's slot.
 */
export interface RedisConnection {
  connect(): Promise<void>;
  destroy(): void;
  /** Commands can be sent now. */
  readonly isReady: boolean;
  /** A Lua script, run on the node that holds the slot of `keys[0]` (all keys share one slot). */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  /** One command, on the node holding `key`'s slot (any node when there is no key). */
  command(key: string | undefined, args: string[]): Promise<unknown>;
  /** Pub/sub: a message to every instance, whichever node it is subscribed on. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribe (on a connection of its own); re-subscribed by the client after a reconnection or a failover. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** A connection error (the client reconnects by itself). */
  onError(listener: (error: unknown) => void): void;
  /** A connection is (again) ready: after a reconnection or a failover, what was missed is read again. */
  onReady(listener: () => void): void;
}

/**
 * Connect to Redis as `topology` says. Every topology fails fast while it cannot reach a primary
 * (no offline queue: a publish answers 503 instead of waiting in the void) and reconnects within
 * a second; Sentinel and Cluster follow a failover by themselves.
 */
export function connectRedis(topology: RedisTopology): RedisConnection {
  switch (topology.mode) {
    case 'standalone':
      return standalone(topology);
    case 'sentinel':
      return sentinel(topology);
    case 'cluster':
      return cluster(topology);
  }
}

function credentials(topology: RedisTopology) {
  return {
    ...(topology.username ? { username: topology.username } : {}),
    ...(topology.password ? { password: topology.password } : {}),
  };
}

function standalone(topology: Extract<RedisTopology, { mode: 'standalone' }>): RedisConnection {
  const options = { ...failFastClientOptions(topology.url), ...credentials(topology) };
  const client = createClient(options);
  // Pub/sub needs a connection of its own (one in subscribe mode sends no other commands).
  const subscriber = createClient(options);
  return {
    async connect() {
      await Promise.all([client.connect(), subscriber.connect()]);
    },
    destroy() {
      for (const c of [subscriber, client]) {
        try {
          c.destroy();
        } catch {
          // already closed
        }
      }
    },
    get isReady() {
      return client.isReady;
    },
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    command: (_key, args) => client.sendCommand(args),
    async publish(channel, message) {
      await client.publish(channel, message);
    },
    async subscribe(channel, listener) {
      await subscriber.subscribe(channel, (message) => listener(String(message)));
    },
    onError(listener) {
      client.on('error', listener);
      subscriber.on('error', listener);
    },
    onReady(listener) {
      client.on('ready', listener);
      subscriber.on('ready', listener);
    },
  };
}

/**
 * What the Sentinel and Cluster clients of `@redis/client` have in common (both route commands and
 * pub/sub themselves and follow a failover).
 */
interface RoutingClient {
  connect(): Promise<unknown>;
  readonly isReady: boolean;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

function routing(
  client: RoutingClient,
  parts: Pick<RedisConnection, 'destroy' | 'command'> & { readyEvents: string[] },
): RedisConnection {
  return {
    async connect() {
      await client.connect();
    },
    destroy: parts.destroy,
    get isReady() {
      return client.isReady;
    },
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    command: parts.command,
    async publish(channel, message) {
      // Classic PUBLISH: in a Cluster it is forwarded to every node, so any subscriber hears it.
      await client.publish(channel, message);
    },
    async subscribe(channel, listener) {
      await client.subscribe(channel, (message) => listener(String(message)));
    },
    onError(listener) {
      client.on('error', listener);
    },
    onReady(listener) {
      for (const event of parts.readyEvents) client.on(event, () => listener());
    },
  };
}

function sentinel(topology: Extract<RedisTopology, { mode: 'sentinel' }>): RedisConnection {
  const { socket, disableOfflineQueue } = failFastClientOptions('');
  const client = createSentinel({
    name: topology.name,
    sentinelRootNodes: topology.sentinels,
    nodeClientOptions: { socket, disableOfflineQueue, ...credentials(topology) },
    sentinelClientOptions: { socket },
    // One connection to the primary: a WAIT then covers the writes sent before it.
    masterPoolSize: 1,
  });
  return routing(client as unknown as RoutingClient, {
    destroy: () => void client.destroy().catch(() => undefined),
    command: (_key, args) => client.sendCommand(false, args),
    // `topology-change`: a replica was promoted, the primary changed under us.
    readyEvents: ['ready', 'topology-change'],
  });
}

function cluster(topology: Extract<RedisTopology, { mode: 'cluster' }>): RedisConnection {
  const { socket, disableOfflineQueue } = failFastClientOptions('');
  const client = createCluster({
    rootNodes: topology.nodes.map((n) => ({ socket: { host: n.host, port: n.port } })),
    defaults: { socket, disableOfflineQueue, ...credentials(topology) },
  });
  return routing(client as unknown as RoutingClient, {
    destroy() {
      try {
        client.destroy();
      } catch {
        // already closed
      }
    },
    command: (key, args) => client.sendCommand(key, false, args),
    readyEvents: ['node-ready'],
  });
}
