import type { Dialect } from '../../electron/core/dialects/dialect';
import type { LiveEvent } from '../../shared/model/live-event';

/**
 * A minimal dialect for engine tests: `{"type":"event","id","title"}` frames become events,
 * `{"type":"sub","channel"}` subscribes, `{"type":"ping","t"}` is answered by `{"type":"pong","t"}`.
 * Anything else is rejected with a reason, as real dialects do.
 */
export function testDialect(overrides: Partial<Dialect['liveness']> = {}): Dialect {
  return {
    id: 'lookout',
    description: 'engine test dialect',
    liveness: {
      pingIntervalMs: 0,
      deadAfterMs: 10_000,
      appPing: false,
      staleAfterMs: 0,
      quietAfterMs: 0,
      silence: 'test server',
      serverKeepalive: 'test server',
      ...overrides,
    },
    probes: [],
    redisChannels: [],
    defaultSubscriptions: [],
    create(endpoint) {
      return {
        handshake(credentials, baseUrl) {
          const url = new URL(baseUrl);
          const headers: Record<string, string> = {};
          if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`;
          if (credentials.cookie) headers.Cookie = credentials.cookie;
          return { url: url.toString(), headers };
        },
        onOpen: () => [],
        subscribe: (channel) => JSON.stringify({ type: 'sub', channel }),
        unsubscribe: (channel) => JSON.stringify({ type: 'unsub', channel }),
        appPing: (now) => JSON.stringify({ type: 'ping', t: now }),
        decode(text, receivedAt) {
          let msg: unknown;
          try {
            msg = JSON.parse(text);
          } catch {
            return { rejected: 'non-json' };
          }
          if (!msg || typeof msg !== 'object' || Array.isArray(msg))
            return { rejected: 'not-an-object' };
          const m = msg as Record<string, unknown>;
          if (m.type === 'pong' && typeof m.t === 'number') return { pong: { echo: m.t } };
          if (m.type === 'hello')
            return {
              greeting: { serverTime: typeof m.serverTime === 'number' ? m.serverTime : undefined },
            };
          if (m.type === 'error') return { serverError: String(m.message) };
          if (m.type === 'subscribed' && typeof m.channel === 'string') {
            return { acks: [{ op: 'subscribed', channel: m.channel }] };
          }
          if (m.type === 'event' && typeof m.id === 'string') {
            const event: LiveEvent = {
              id: m.id,
              endpoint: endpoint.id,
              channel: typeof m.channel === 'string' ? m.channel : 'test',
              kind: 'notification',
              severity: 'info',
              title: typeof m.title === 'string' ? m.title : m.id,
              body: '',
              serverTime: null,
              receivedAt,
              data: {},
            };
            return { events: [event] };
          }
          return { rejected: `unknown-type: ${String(m.type)}` };
        },
      };
    },
  };
}
