import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import type { WireEvent } from '../../../shared/protocol/lookout-wire';
import { silentGatewayLogger } from '../logger';
import { GatewayMetrics } from '../metrics';
import { DEFAULT_LIMITS } from '../options';
import type { EventLog } from '../storage/event-log';
import { MemoryEventLog } from '../storage/memory-log';
import type { ClientConnection } from '../ws/client-connection';
import type { FanOutBatch } from '../ws/fan-out';
import { LiveHub } from './live-hub';

/** A client connection as the hub sees it: a subscriber that records what reaches it. */
class FakeClient {
  readonly delivered: WireEvent[] = [];
  readonly closes: number[] = [];
  readonly subscriptionCount = 1;
  readonly bufferedBytes = 0;
  constructor(
    readonly principal: { sub: string; sid: string },
    private readonly hub: LiveHub,
  ) {}
  deliver(event: WireEvent): void {
    this.delivered.push(event);
  }
  cork(): void {}
  uncork(): void {}
  close(code: number): void {
    this.closes.push(code);
    this.hub.context.closed(this.asConnection);
  }
  get asConnection(): ClientConnection {
    return this as unknown as ClientConnection;
  }
}

const hubs: LiveHub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.stop();
});

function makeHub(onFanOut?: (batch: FanOutBatch) => void) {
  const log = new MemoryEventLog(100);
  // Which channels the hub lets the log stop watching (the in-process log itself ignores it).
  const unwatch = vi.spyOn(log as EventLog, 'unwatch');
  const unwatched = () => unwatch.mock.calls.map(([channel]) => channel);
  const metrics = new GatewayMetrics();
  const hub = new LiveHub({ heartbeatMs: 60_000, onFanOut }, DEFAULT_LIMITS, {
    instanceId: 'gw-test',
    log,
    metrics,
    logger: silentGatewayLogger,
  });
  hubs.push(hub);
  const join = (sub: string, channel: string) => {
    const client = new FakeClient({ sub, sid: `${sub}-session` }, hub);
    hub.registry.add(client.asConnection);
    hub.context.attach(channel, client.asConnection);
    return client;
  };
  const publish = (channel: string, title: string) =>
    log.append({ channel, kind: 'alert', severity: 'info', title, body: '', data: {} });
  return { hub, log, metrics, unwatched, join, publish };
}

describe('LiveHub', () => {
  it('delivers the log’s new events to the subscribers of their channel only, once started', async () => {
    let done: (b: FanOutBatch) => void = () => {};
    const batches: FanOutBatch[] = [];
    const { hub, join, publish, metrics } = makeHub((b) => {
      batches.push(b);
      done(b);
    });
    const dash = join('ana', 'dashboard');
    const stats = join('bo', 'stats');
    await publish('dashboard', 'before start'); // not followed yet: nobody gets it
    hub.start();
    const delivered = new Promise<FanOutBatch>((resolve) => (done = resolve));
    await publish('dashboard', 'after start');
    await delivered;
    expect(dash.delivered.map((e) => e.title)).toEqual(['after start']);
    expect(stats.delivered).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(metrics.counters.get('fanout.events')).toBe(1);
    expect(hub.connections).toBe(2);
    expect(hub.channels).toBe(2);
    expect(hub.connectionsOf('ana')).toBe(1);
  });

  it('lets the log stop watching a channel when its last local subscriber leaves', () => {
    const { hub, join, unwatched } = makeHub();
    const a = join('ana', 'dashboard');
    const b = join('bo', 'dashboard');
    hub.context.detach('dashboard', a.asConnection);
    expect(unwatched()).toEqual([]);
    hub.context.detach('dashboard', b.asConnection);
    expect(unwatched()).toEqual(['dashboard']);
    expect(hub.channels).toBe(0);
  });

  it('stop closes every client with 4012 and delivers nothing more', async () => {
    const { hub, join, publish } = makeHub();
    const client = join('ana', 'dashboard');
    hub.start();
    hub.stop();
    expect(client.closes).toEqual([LOOKOUT_CLOSE.RESTARTING]);
    expect(hub.connections).toBe(0);
    await publish('dashboard', 'after stop');
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.delivered).toEqual([]);
  });

  it('closes the sockets a revocation covers, and only those', () => {
    const { hub, join } = makeHub();
    const ana = join('ana', 'dashboard');
    const bo = join('bo', 'dashboard');
    hub.closeRevoked({ kind: 'session', sid: 'ana-session', at: 0 }, () => false);
    expect(ana.closes).toEqual([LOOKOUT_CLOSE.TOKEN_REVOKED]);
    expect(bo.closes).toEqual([]);
    expect(hub.connectionsOf('ana')).toBe(0);
    expect(hub.connectionsOf('bo')).toBe(1);
  });

  it('a drain tells every client to move (4015) within the window and counts them', async () => {
    const { hub, join, metrics } = makeHub();
    const clients = [join('ana', 'dashboard'), join('bo', 'stats'), join('cy', 'stats')];
    expect(await hub.moveClients(5)).toBe(3);
    for (const c of clients) expect(c.closes).toEqual([LOOKOUT_CLOSE.MOVING]);
    expect(metrics.counters.get('drain.moved')).toBe(3);
  });
});
