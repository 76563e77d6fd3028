import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait';
import { DJANGO_ADMIN, type DjangoDouble, startDjangoDouble } from '../../peers/django-double';
import { type TestClient, dial, open } from '../../peers/ws-client';

// Its own redis-server: the test kills and restarts it under the double's channel layer.
let redis: RedisServer;
let double: DjangoDouble;
const clients: TestClient[] = [];
const ORIGIN = { Origin: 'http://localhost' };

beforeAll(async () => {
  redis = await RedisServer.start();
  double = await startDjangoDouble({ redisUrl: redis.url });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
  await redis.stop();
});

const admin = () => ({ Cookie: `sessionid=${double.sessionFor(DJANGO_ADMIN.email)}`, ...ORIGIN });

describe('django-channels double while its Redis is down (PROTOCOLS.md §5)', () => {
  it('closes open sockets 1011, refuses signed-in upgrades with 500, accepts anonymous notifications, and recovers', async () => {
    const dashboard = await open(double.url, admin());
    const notes = await open(double.notificationsUrl, admin());
    clients.push(dashboard, notes);
    await dashboard.next((m) => m.type === 'connection_established');
    await double.notify(DJANGO_ADMIN.email, { title: 'before' });
    await notes.next((m) => m.title === 'before');

    await redis.stop();
    expect((await dashboard.waitClosed()).code).toBe(1011);
    expect((await notes.waitClosed()).code).toBe(1011);
    expect(double.layerUp).toBe(false);
    // A valid super-admin session is refused like an anonymous one: 500 is ambiguous.
    expect(await dial(double.url, admin())).toEqual({ ok: false, status: 500 });
    expect(await dial(double.notificationsUrl, admin())).toEqual({ ok: false, status: 500 });
    const anonymous = await dial(double.notificationsUrl, ORIGIN);
    expect(anonymous.ok).toBe(true);
    if (anonymous.ok) clients.push(anonymous.client);
    // The session store is the database, not Redis: the session itself is still live.
    const me = await fetch(`${double.apiUrl}/api/auth/me/`, {
      headers: { cookie: admin().Cookie },
    });
    expect(me.status).toBe(200);

    await redis.restart();
    await waitFor(() => double.layerUp, { timeoutMs: 10_000, what: 'the layer to recover' });
    const again = await open(double.url, admin());
    clients.push(again);
    await again.next((m) => m.type === 'connection_established');
  });

  it('shuts down without a close frame (clients see 1006)', async () => {
    const c = await open(double.url, admin());
    clients.push(c);
    await c.next((m) => m.type === 'connection_established');
    await double.restart();
    expect((await c.waitClosed()).code).toBe(1006);
  });
});
