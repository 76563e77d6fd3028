import { createClient } from 'redis';
import type { RedisProbeConfig } from '../../../shared/config/endpoint';
import type { RedisProbeResult } from '../../../shared/model/health';

export interface RedisProbeOptions {
  config: RedisProbeConfig;
  /** Channels the service listens to (the config's own list, or the dialect's); empty = PING only. */
  channels: readonly string[];
  /** The Redis password from the credential store, when the config names one. Never logged. */
  password?: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The Redis-side deafness probe: connects to the backend's own Redis and asks `PUBSUB NUMSUB` how
 * many subscribers each channel the service listens to has. It only reads: it never publishes
 * (a PUBLISH would reach the service's users). A count below `minSubscribers` means the service
 * lost its subscription, which sakura and task-status never make again after a Redis restart
 * (PROTOCOLS.md, "open but silent"). With no channels it only checks that Redis answers (django:
 * its channel layer being down is the likeliest cause of a 500 with a live session).
 * One short-lived connection per probe, no retries, bounded by a timeout. Never throws.
 */
export async function probeRedis(options: RedisProbeOptions): Promise<RedisProbeResult> {
  const { config, channels } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const at = now();
  const client = createClient({
    url: config.url,
    ...(config.username ? { username: config.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    disableOfflineQueue: true,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
  });
  // Connection errors also surface through connect(); without a listener they would be thrown.
  client.on('error', () => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  let connected = false;
  try {
    await Promise.race([client.connect(), timeout]);
    connected = true;
    if (channels.length === 0) {
      await Promise.race([client.ping(), timeout]);
      return { at, status: 'reachable', counts: {}, detail: `Redis at ${where(config)} answers.` };
    }
    const raw = await Promise.race([client.pubSubNumSub([...channels]), timeout]);
    const counts: Record<string, number> = {};
    for (const channel of channels) counts[channel] = Number(raw[channel] ?? 0);
    const min = config.minSubscribers;
    const missing = channels.filter((c) => (counts[c] ?? 0) < min);
    if (missing.length > 0) {
      return {
        at,
        status: 'deaf',
        counts,
        detail: `${missing.map((c) => `${c} has ${counts[c] ?? 0} subscriber${counts[c] === 1 ? '' : 's'}`).join(', ')} (expected at least ${min}) on ${where(config)}.`,
      };
    }
    return {
      at,
      status: 'subscribed',
      counts,
      detail: `${channels.map((c) => `${c}: ${counts[c]}`).join(', ')} subscriber(s) on ${where(config)}.`,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const auth = /WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message);
    return {
      at,
      status: connected || auth ? 'error' : 'unreachable',
      counts: {},
      detail: auth
        ? `Redis at ${where(config)} refused the credentials: check the password stored${config.credentialRef ? ` as "${config.credentialRef}"` : ''} and the user name.`
        : connected
          ? `Redis at ${where(config)} failed the check: ${message}.`
          : `Redis at ${where(config)} does not answer (${message}).`,
    };
  } finally {
    clearTimeout(timer);
    try {
      if (client.isOpen) await client.close();
      else client.destroy();
    } catch {
      client.destroy();
    }
  }
}

/** `host:port/db` of the probe URL, for messages (the URL never holds a password: the schema says so). */
function where(config: RedisProbeConfig): string {
  try {
    const u = new URL(config.url);
    return `${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'the configured Redis';
  }
}
