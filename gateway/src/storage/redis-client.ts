/**
 * An error's message for logs and `/health` without anything that could hold credentials
 * (node-redis errors carry none, but a URL with a password must never slip through).
 */
export function describeRedisError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/redis(s)?:\/\/[^\s]*/gi, 'redis://…').slice(0, 200);
}

/**
 * Options for every Redis connection of the gateway: fail fast while disconnected (a publish or a
 * sign-in answers 503 instead of queueing into the void) and reconnect within a second.
 */
export function failFastClientOptions(url: string) {
  return {
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(100 + retries * 100, 1_000),
    },
  };
}
