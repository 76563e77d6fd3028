import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedGateway } from '../../electron/host-common/embedded-gateway';
import { occurrenceKey } from '../../shared/model/event-identity';
import { freePort, startGateway, type Proc } from '../../e2e/support/processes';
import { waitFor } from '../support/wait';
import {
  addEndpoint,
  alert,
  channelHealth,
  expectEachOnce,
  gatewayEndpoint,
  model,
  publish,
  publishAlerts,
  removeDir,
  rows,
  shown,
  startCore,
  subscribed,
  type CoreUnderTest,
} from './core-harness';

/**
 * Event identity with several backends at once, through the whole core (sessions, model,
 * notification policy; a memory notifier stands in for the OS) against real gateway processes:
 * every uniquely titled event published reaches the bell exactly once and raises exactly one OS
 * notification, whatever ids, channel names and seqs the backends share.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const ADMIN_NOTES = 'notifications:admin@lookout.local';
const SUPPORT_NOTES = 'notifications:support@lookout.local';

/** A demo gateway process on the in-memory log (whatever Redis the machine exports). */
async function gatewayProcess(): Promise<{ port: number; http: string; proc: Proc }> {
  const port = await freePort();
  const proc = await startGateway(port, { REDIS_URL: '' });
  cleanups.push(() => proc.kill());
  return { port, http: `http://127.0.0.1:${port}`, proc };
}

async function core(options: Parameters<typeof startCore>[0] = {}): Promise<CoreUnderTest> {
  const under = await startCore(options);
  cleanups.push(() => removeDir(under.dataDir));
  cleanups.push(() => under.stop());
  return under;
}

describe('several backends at once', () => {
  it('two gateways with the same channels, the same ids and overlapping seqs never collide', async () => {
    const [a, b] = [await gatewayProcess(), await gatewayProcess()];
    const under = await core();
    await addEndpoint(under.core, gatewayEndpoint('alpha', a.port, ['dashboard', 'stats']));
    await addEndpoint(under.core, gatewayEndpoint('beta', b.port, ['dashboard', 'stats']));
    await subscribed(under.core, 'alpha');
    await subscribed(under.core, 'beta');
    const titles = { alpha: [] as string[], beta: [] as string[] };
    for (let i = 1; i <= 4; i++) {
      // Half with the same publisher id on both gateways, half numbered by each (`dashboard:<seq>`).
      const id = i % 2 === 0 ? { id: `incident-${i}` } : {};
      for (const [name, gw] of [
        ['alpha', a],
        ['beta', b],
      ] as const) {
        const title = `${name} event ${i}`;
        titles[name].push(title);
        await publish(gw.http, { channel: 'dashboard', ...alert(title, id) });
      }
    }
    await expectEachOnce(under, titles.alpha, 'alpha');
    await expectEachOnce(under, titles.beta, 'beta');
    // Both dashboards live on: their stats (ids `stats:<seq>` on both) reach the model too.
    await waitFor(
      async () => {
        const s = await model(under.core);
        return (s.endpoints.alpha?.statsHistory.length ?? 0) > 2 &&
          (s.endpoints.beta?.statsHistory.length ?? 0) > 2
          ? true
          : null;
      },
      { timeoutMs: 10_000, what: 'stats of both gateways' },
    );
    for (const id of ['alpha', 'beta'])
      expect((await channelHealth(under.core, id, 'dashboard'))?.dropped.duplicate).toBeUndefined();
  });

  it('replacing the demo by a real gateway keeps nothing of the demo in the live views', async () => {
    const under = await core({ embedded: () => startEmbeddedGateway() });
    await subscribed(under.core, 'demo');
    await waitFor(
      async () => {
        const s = await model(under.core);
        return (s.endpoints.demo?.statsHistory.length ?? 0) > 0 && s.tasks.length > 0;
      },
      { timeoutMs: 15_000, what: 'demo stats and tasks' },
    );
    const gw = await gatewayProcess();
    await addEndpoint(
      under.core,
      gatewayEndpoint('prod', gw.port, ['dashboard', 'stats', ADMIN_NOTES]),
    );
    const after = await model(under.core);
    expect(Object.keys(after.endpoints)).not.toContain('demo');
    expect(after.tasks.filter((t) => t.endpoint === 'demo')).toEqual([]);
    expect(after.businesses.filter((b) => b.endpoint === 'demo')).toEqual([]);
    expect((await under.core.invoke('endpoints:list', {})).map((e) => e.id)).toEqual(['prod']);
    await subscribed(under.core, 'prod');
    // The new gateway numbers from 1 too: `dashboard:1`… were the demo's ids a minute ago.
    const titles = ['prod event 1', 'prod event 2', 'prod event 3'];
    await publishAlerts(gw.http, titles);
    await expectEachOnce(under, titles, 'prod');
    await waitFor(async () => ((await model(under.core)).endpoints.prod?.stats ?? null) !== null, {
      timeoutMs: 10_000,
      what: 'stats of the new gateway',
    });
    expect(Object.keys((await model(under.core)).endpoints)).toEqual(['prod']);
  });

  it('a saved model still holding a removed endpoint’s figures is cleaned at start', async () => {
    // What a version that kept the demo's data after a real endpoint replaced it left behind.
    const first = await core({ embedded: () => startEmbeddedGateway() });
    await waitFor(
      async () => {
        const s = await model(first.core);
        return (s.endpoints.demo?.statsHistory.length ?? 0) > 0 && s.notifications.length > 0;
      },
      { timeoutMs: 15_000, what: 'demo data' },
    );
    await first.stop();
    const port = await freePort();
    await writeFile(
      join(first.dataDir, 'endpoints.json'),
      JSON.stringify({ version: 1, endpoints: [gatewayEndpoint('prod', port, ['dashboard'])] }),
    );
    const second = await core({ dataDir: first.dataDir });
    const s = await model(second.core);
    expect(Object.keys(s.endpoints)).toEqual([]);
    expect(s.tasks.filter((t) => t.endpoint === 'demo')).toEqual([]);
    // The bell is history: its entries stay.
    expect(s.notifications.some((n) => n.endpoint === 'demo')).toBe(true);
  });

  it('two endpoints signed in as admin and support of one gateway each get every event once', async () => {
    const gw = await gatewayProcess();
    const under = await core();
    await addEndpoint(under.core, gatewayEndpoint('admin', gw.port, ['stats', ADMIN_NOTES]));
    await addEndpoint(
      under.core,
      gatewayEndpoint('support', gw.port, ['stats', SUPPORT_NOTES], 'support@lookout.local'),
    );
    await subscribed(under.core, 'admin');
    await subscribed(under.core, 'support');
    // One channel both read: the very same event (same id, seq and epoch) on two endpoints.
    const shared = ['shared 1', 'shared 2', 'shared 3'];
    await publishAlerts(gw.http, shared, 'stats');
    // One alert for both users: one entry each, listing the channel it came on.
    await publish(gw.http, { channels: [ADMIN_NOTES, SUPPORT_NOTES], ...alert('for both') });
    for (const endpoint of ['admin', 'support']) {
      await expectEachOnce(under, [...shared, 'for both'], endpoint);
      const [entry] = rows(await model(under.core), 'for both', endpoint);
      expect(entry?.channels).toEqual([endpoint === 'admin' ? ADMIN_NOTES : SUPPORT_NOTES]);
    }
  });
});

describe('one occurrence on several channels', () => {
  it('one alert sent on two channels is one bell entry listing both, and one OS notification', async () => {
    const gw = await gatewayProcess();
    const under = await core();
    await addEndpoint(under.core, gatewayEndpoint('gw', gw.port, ['dashboard', ADMIN_NOTES]));
    await subscribed(under.core, 'gw');
    const answer = await publish(gw.http, {
      channels: ['dashboard', ADMIN_NOTES],
      ...alert('Disk full on db-1'),
    });
    await expectEachOnce(under, ['Disk full on db-1'], 'gw');
    const [entry] = rows(await model(under.core), 'Disk full on db-1');
    expect(entry?.channels?.slice().sort()).toEqual(['dashboard', ADMIN_NOTES].sort());
    expect(entry?.id).toBe(
      occurrenceKey({
        endpoint: 'gw',
        channel: '',
        id: '',
        origin: String(answer.origin),
      }),
    );
    expect(shown(under.notifier, 'Disk full on db-1')[0]?.eventIds).toEqual([entry?.id]);
    // The second copy is not silent: counted on its channel, and its frame says why.
    const copies = await Promise.all(
      ['dashboard', ADMIN_NOTES].map((c) => channelHealth(under.core, 'gw', c)),
    );
    expect(copies.map((c) => c?.dropped['same-origin'] ?? 0).sort()).toEqual([0, 1]);
    // The frame log as its view pages it (the live snapshot leaves the rows out).
    const frames =
      (await under.core.invoke('diagnostics:frames', { endpoint: 'gw', after: null }))?.frames ??
      [];
    expect(frames.some((f) => f.dropped === 'same-origin' && f.preview.includes('Disk full'))).toBe(
      true,
    );
    // The demo's own critical alert goes the same way: each one entry with both channels.
    await waitFor(async () => rows(await model(under.core), 'Critical alert').length > 0, {
      timeoutMs: 25_000,
      what: 'a demo alert',
    });
    for (const demoAlert of rows(await model(under.core), 'Critical alert'))
      expect(demoAlert.channels?.length).toBe(2);
  });
});
