/** The Redis deafness probe: whether a backend's listener still subscribes (PUBSUB NUMSUB). */
import { RespConnection, RespError, type RespValue } from './resp-client';
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
 * One short-lived connection per probe (`resp-client.ts`), no retries, bounded by a timeout.
 * Never throws.
 */
export async function probeRedis(options: RedisProbeOptions): Promise<RedisProbeResult> {
  const { config, channels } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const at = now();
  let connection: RespConnection | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  /** One command, bounded by the probe's timeout; an error reply is thrown as such. */
  const ask = async (args: string[]): Promise<RespValue> => {
    const reply = await Promise.race([(connection as RespConnection).command(args), timeout]);
    if (reply instanceof RespError) throw reply;
    return reply;
  };
  try {
    connection = await Promise.race([RespConnection.connect(config.url, timeoutMs), timeout]);
    if (options.password) {
      await ask(
        config.username ? ['AUTH', config.username, options.password] : ['AUTH', options.password],
      );
    }
    if (channels.length === 0) {
      await ask(['PING']);
      return { at, status: 'reachable', counts: {}, detail: `Redis at ${where(config)} answers.` };
    }
    const counts = numsubCounts(await ask(['PUBSUB', 'NUMSUB', ...channels]), channels);
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
    const answered = error instanceof RespError;
    return {
      at,
      status: answered || auth ? 'error' : 'unreachable',
      counts: {},
      detail: auth
        ? `Redis at ${where(config)} refused the credentials: check the password stored${config.credentialRef ? ` as "${config.credentialRef}"` : ''} and the user name.`
        : answered
          ? `Redis at ${where(config)} failed the check: ${message}.`
          : `Redis at ${where(config)} does not answer (${message}).`,
    };
  } finally {
    clearTimeout(timer);
    connection?.close();
  }
}

/** `PUBSUB NUMSUB a b` answers `[a, n, b, m]`; counts for the asked channels (missing = 0). */
function numsubCounts(reply: RespValue, channels: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const channel of channels) counts[channel] = 0;
  if (!Array.isArray(reply)) throw new Error('PUBSUB NUMSUB did not answer a list');
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = reply[i];
    const n = reply[i + 1];
    if (typeof name === 'string' && name in counts) counts[name] = Number(n) || 0;
  }
  return counts;
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
