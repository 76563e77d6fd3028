import { createClient } from '@redis/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, silentGatewayLogger, type Gateway } from '../../gateway/src';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait';
import {
  addEndpoint,
  alert,
  channelHealth,
  expectEachOnce,
  gatewayEndpoint,
  model,
  removeDir,
  rows,
  startCore,
  subscribed,
} from './core-harness';

/**
 * Redis flushed under two gateway instances while the app is connected to one of them, and the
 * first publish after the flush lands on the other, which has no local subscriber and never
 * published on the channel (so it knows no seq to continue from). The channel starts a new epoch;
 * every accepted event reaches the bell exactly once with one OS notification, and the user is
 * told the gateway lost its history.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function instance(
  redisUrl: string,
  instanceId: string,
): Promise<{ gw: Gateway; port: number }> {
  const gw = createGateway({
    redisUrl,
    instanceId,
    demo: true,
    demoTraffic: false,
    port: 0,
    logger: silentGatewayLogger,
    // Both instances must accept the tokens either issues.
    secret: 'identity-redis-flush-secret-long-enough-0123',
  });
  const address = await gw.start();
  cleanups.push(() => gw.stop());
  return { gw, port: address.port };
}

describe('Redis flushed under two instances', () => {
  it('loses no event when the first publish after the flush lands on the instance without subscribers', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const a = await instance(redis.url, 'gw-a');
    const b = await instance(redis.url, 'gw-b');
    const under = await startCore();
    cleanups.push(() => removeDir(under.dataDir));
    cleanups.push(() => under.stop());
    // The app is connected to B only.
    await addEndpoint(under.core, gatewayEndpoint('gw', b.port, ['dashboard', 'stats']));
    await subscribed(under.core, 'gw');
    const before = ['before 1', 'before 2', 'before 3', 'before 4'];
    for (const title of before) await b.gw.publish('dashboard', alert(title));
    await expectEachOnce(under, before, 'gw');

    const admin = createClient({ url: redis.url });
    await admin.connect();
    await admin.flushAll();
    admin.destroy();
    const after = ['after 1', 'after 2', 'after 3'];
    const accepted = [];
    for (const title of after) accepted.push(await a.gw.publish('dashboard', alert(title)));
    // A seq of the old history is never reused for a new event without a new epoch.
    expect(accepted.map((e) => e.seq)).toEqual([1, 2, 3]);
    await expectEachOnce(under, after, 'gw');
    const more = ['more 1', 'more 2'];
    for (const title of more) await b.gw.publish('dashboard', alert(title));
    await expectEachOnce(under, [...before, ...after, ...more], 'gw');

    const dashboard = await channelHealth(under.core, 'gw', 'dashboard');
    expect(dashboard?.lastReset?.cause).toBe('history-lost');
    expect(dashboard?.resume?.epoch).toBe(accepted[0]?.epoch);
    expect(dashboard?.dropped.duplicate).toBeUndefined();
    await waitFor(
      async () =>
        rows(await model(under.core), 'Gateway restarted and lost its history').length > 0,
      { timeoutMs: 10_000, what: 'the notice in the bell' },
    );
  });
});
