import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { AppPatch, AppSnapshot } from '../../../shared/model/app-state';
import { WsTestServer } from '../../support/ws-test-server';
import { waitFor } from '../../support/wait';

/**
 * A backend that sends megabytes per item (a 15 MB business, a 5 MB reservation, a 1 MB task
 * message): the model keeps a bounded part of each with a marker that it was cut, no push to the
 * renderer carries a large item, and state.json stays small.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const KB = 1024;
/** Most an item may weigh anywhere the renderer or the disk sees it. */
const ITEM_LIMIT = 16 * KB;

/** A flat business of about `mb` megabytes (django-channels sends flat objects). */
function hugeBusiness(mb: number): Record<string, unknown> {
  const business: Record<string, unknown> = { id: 4242, name: 'Mega Mart', subdomain: 'mega' };
  const value = 'v'.repeat(480);
  for (let i = 0; business && i < (mb * 1024 * 1024) / 500; i++) business[`field_${i}`] = value;
  return business;
}

describe('what the model keeps per item is bounded', () => {
  it('cuts megabyte items with a marker, pushes no large item to the renderer, and keeps state.json small', async () => {
    const server = await new WsTestServer({
      onConnection: (socket) => {
        socket.send(JSON.stringify({ type: 'connection_established' }));
        socket.send(
          JSON.stringify({
            type: 'business_created',
            payload: { business: hugeBusiness(15), message: 'New business "Mega Mart" created' },
            timestamp: '2026-11-22 21:56:50.081114+00:00',
          }),
        );
        const reservation: Record<string, unknown> = {
          id: 77,
          business: 4242,
          business_name: 'Mega Mart',
          ...hugeBusiness(5),
        };
        socket.send(
          JSON.stringify({
            type: 'reservation_created',
            payload: { reservation, message: 'New reservation at Mega Mart' },
            timestamp: '2026-11-22 21:57:00.000000+00:00',
          }),
        );
      },
    }).start();
    cleanups.push(() => server.stop());
    const dataDir = await mkdtemp(join(tmpdir(), 'lookout-bounds-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const patches: string[] = [];
    const core = new LookoutCore({
      dataDir,
      notifier: new MemoryNotifier(),
      appVersion: '0.0.0-test',
      hostKind: 'browser',
    });
    core.onPush((channel, payload) => {
      if (channel === 'app:patch') patches.push(JSON.stringify(payload));
    });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await core.stop();
    });
    await core.start();
    expect(
      await core.invoke('endpoints:save', {
        endpoint: {
          id: 'admin',
          name: 'Admin',
          dialect: 'django-channels',
          url: server.url.replace('/ws', '/ws/dashboard/'),
          maxPayloadBytes: 32 * KB * KB,
        },
      }),
    ).toEqual({ ok: true });

    const app: AppSnapshot = await waitFor(
      async () => {
        const s = (await core.invoke('app:initial-state', {})).app;
        return s.businesses.length > 0 && s.reservations.length > 0 ? s : null;
      },
      { timeoutMs: 30_000, what: 'the huge business and reservation in the model' },
    );
    const business = app.businesses[0];
    const reservation = app.reservations[0];
    expect(business?.name).toBe('Mega Mart');
    expect(business?.dataTruncated).toBe(true);
    expect(business?.data.subdomain).toBe('mega');
    expect(JSON.stringify(business).length).toBeLessThan(ITEM_LIMIT);
    expect(reservation?.dataTruncated).toBe(true);
    expect(JSON.stringify(reservation).length).toBeLessThan(ITEM_LIMIT);

    // Nothing the renderer received carried a large item.
    await waitFor(() => patches.some((p) => p.includes('Mega Mart')), { what: 'the patch' });
    for (const text of patches) {
      const patch = JSON.parse(text) as AppPatch;
      for (const item of [
        ...(patch.businessesUpserted ?? []),
        ...(patch.reservationsAdded ?? []),
        ...(patch.notificationsAdded ?? []),
      ])
        expect(JSON.stringify(item).length).toBeLessThan(ITEM_LIMIT);
    }

    await core.stop();
    stopped = true;
    const saved = await stat(join(dataDir, 'state.json'));
    expect(saved.size).toBeLessThan(128 * KB);
    expect(await readFile(join(dataDir, 'state.json'), 'utf8')).toContain('"dataTruncated":true');
  }, 90_000);
});
