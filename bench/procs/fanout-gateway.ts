/**
 * One gateway instance of benchmark 5's Redis rounds in its own process (Redis Streams shared
 * with a second instance; the Lookout-vs-plain rounds use `scale-server.ts`). The publishing instance stamps each event with the monotonic
 * time just before `publish()` so clients can measure publish-to-client latency; every instance
 * also times publish-to-written on its side (when the batch holding the event has been written to
 * all its clients' sockets), which separates the gateway's share of the latency from the clients'.
 */
import { createGateway, silentGatewayLogger, type FanOutBatch } from '../../gateway/src';
import { childOptions, onCommand, reply } from '../support/child';
import { hrNow } from '../support/hr-clock';

interface Options {
  secret: string;
  redisUrl?: string;
}

const options = childOptions<Options>();
/** Publish-to-socket-write per event, ms; and the batches they went out in. */
let written = new Float64Array(1 << 12);
let samples = 0;
let batches = 0;
let socketWrites = 0;

function recordBatch(batch: FanOutBatch): void {
  const now = hrNow();
  batches += 1;
  socketWrites += batch.subscribers;
  for (const event of batch.events) {
    const sentAt = (event.data as { sentAt?: unknown } | undefined)?.sentAt;
    if (typeof sentAt !== 'number') continue;
    if (samples === written.length) {
      const bigger = new Float64Array(written.length * 2);
      bigger.set(written);
      written = bigger;
    }
    written[samples++] = now - sentAt;
  }
}

const gateway = createGateway({
  secret: options.secret,
  host: '127.0.0.1',
  port: 0,
  logger: silentGatewayLogger,
  // Every benchmark client signs in with the one bench token: lift the per-user cap for it.
  limits: { maxConnections: 5_000, maxConnectionsPerUser: 5_000 },
  retention: 5_000,
  onFanOut: recordBatch,
  ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
});

async function publish(rate: number, count: number): Promise<void> {
  const started = hrNow();
  const interval = 1_000 / rate;
  let sent = 0;
  let failed = 0;
  const pending: Array<Promise<unknown>> = [];
  while (sent < count && hrNow() - started < (count / rate) * 1_000 + 10_000) {
    const due = Math.min(count, Math.floor((hrNow() - started) / interval) + 1);
    while (sent < due) {
      sent += 1;
      pending.push(
        gateway
          .publish('dashboard', {
            kind: 'business.updated',
            severity: 'info',
            title: `Business “Harbor Yoga ${sent % 200}” updated`,
            body: 'Subdomain harbor-yoga, subscription active, active',
            data: { businessId: String(sent % 200), n: sent, sentAt: hrNow() },
            link: `businesses/${sent % 200}`,
          })
          .catch(() => {
            failed += 1;
          }),
      );
    }
    await new Promise((r) => setTimeout(r, Math.max(1, started + sent * interval - hrNow())));
  }
  await Promise.all(pending);
  reply({ type: 'published', count: sent, failed, elapsedMs: hrNow() - started });
}

onCommand(async (message) => {
  if (message.type === 'publish') await publish(Number(message.rate), Number(message.count));
  else if (message.type === 'stats') reply({ type: 'stats', metrics: gateway.metrics.snapshot() });
  else if (message.type === 'reset') {
    samples = 0;
    batches = 0;
    socketWrites = 0;
    reply({ type: 'reset' });
  } else if (message.type === 'fanout') {
    reply({
      type: 'fanout',
      written: Array.from(written.subarray(0, samples), (v) => Math.round(v * 1000) / 1000),
      batches,
      socketWrites,
    });
  }
});

void gateway.start().then(async (address) => {
  const tokens = await gateway.issueTokens({ sub: 'bench-admin', role: 'super_admin' });
  reply({ type: 'ready', wsUrl: address.wsUrl, token: tokens.access });
});
