import { createClient } from '@redis/client';
import { RedisServer } from '../support/redis-server';

/** A Redis URL for a double: `REDIS_URL` when the environment provides one, else a private server. */
export async function redisForTests(): Promise<{ url: string; stop(): Promise<void> }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const server = await RedisServer.start();
  return { url: server.url, stop: () => server.stop() };
}

function makeClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries: number) => Math.min(50 + retries * 50, 500),
      connectTimeout: 2_000,
    },
  });
}

export type RedisClient = ReturnType<typeof makeClient>;

/**
 * A node-redis client for a double. Commands fail at once while Redis is down (no offline queue)
 * so a double behaves like its backend during an outage instead of hanging.
 */
export async function connectRedis(
  url: string,
  onError: (e: Error) => void = () => {},
): Promise<RedisClient> {
  const client = makeClient(url);
  client.on('error', onError);
  await client.connect();
  return client;
}

/** Close a client whatever its state. */
export async function closeRedis(client: RedisClient | null): Promise<void> {
  if (!client) return;
  try {
    if (client.isOpen) await client.close();
  } catch {
    client.destroy();
  }
}
