import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../support/wait';
import {
  DJANGO_ADMIN,
  DJANGO_STAFF,
  type DjangoDouble,
  startDjangoDouble,
} from '../../peers/django-double';
import { type TestClient, dial, open } from '../../peers/ws-client';

let double: DjangoDouble;
const clients: TestClient[] = [];
const ORIGIN = { Origin: 'http://localhost:3000' };

beforeAll(async () => {
  double = await startDjangoDouble({ keepalive: { intervalMs: 100, timeoutMs: 150 } });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await double.stop();
});

const ws = (path: string) => `ws://127.0.0.1:${double.port}${path}`;
async function client(path: string, headers: Record<string, string>): Promise<TestClient> {
  const c = await open(ws(path), headers);
  clients.push(c);
  return c;
}
async function login(email = DJANGO_ADMIN.email, password = DJANGO_ADMIN.password) {
  const res = await fetch(`${double.apiUrl}/api/auth/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('django-channels double conforms to PROTOCOLS.md §5', () => {
  it('checks Origin first (403), then the path (500), then the user (500 anonymous, 403 non-admin)', async () => {
    const admin = `sessionid=${double.sessionFor('admin@example.test')}`;
    const staff = `sessionid=${double.sessionFor('staff@example.test')}`;
    expect(await dial(ws('/ws/dashboard/'), { Cookie: admin })).toEqual({ ok: false, status: 403 });
    expect(await dial(ws('/ws/dashboard/'), { Cookie: admin, Origin: 'file://' })).toEqual({
      ok: false,
      status: 403,
    });
    expect(
      await dial(ws('/ws/dashboard/'), { Cookie: admin, Origin: 'http://evil.example' }),
    ).toEqual({ ok: false, status: 403 });
    expect(await dial(ws('/ws/dashboard'), { Cookie: admin })).toEqual({ ok: false, status: 403 });
    expect(await dial(ws('/ws/dashboard'), { Cookie: admin, ...ORIGIN })).toEqual({
      ok: false,
      status: 500,
    });
    expect(await dial(ws('/ws/dashboard/'), ORIGIN)).toEqual({ ok: false, status: 500 });
    expect(await dial(ws('/ws/dashboard/'), { Cookie: staff, ...ORIGIN })).toEqual({
      ok: false,
      status: 403,
    });
    const c = await client('/ws/dashboard/', { Cookie: admin, Origin: 'http://127.0.0.1' });
    expect(await c.next((m) => m.type === 'connection_established')).toEqual({
      type: 'connection_established',
      message: 'Connected to dashboard updates',
    });
  });

  it('ignores the documented ?token= JWT as built', async () => {
    const { body } = await login();
    expect(await dial(ws(`/ws/dashboard/?token=${body.access}`), ORIGIN)).toEqual({
      ok: false,
      status: 500,
    });
  });

  it('issues SimpleJWT-style tokens and refreshes them', async () => {
    const { status, body } = await login();
    expect(status).toBe(200);
    const claims = decodeJwt(body.access ?? '');
    // The backend's user ids are UUID strings, and so is the claim.
    expect(claims).toMatchObject({ user_id: DJANGO_ADMIN.id, token_type: 'access' });
    expect(claims.user_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect((claims.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
    const refreshed = await fetch(`${double.apiUrl}/api/auth/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh: body.refresh }),
    });
    expect(Object.keys((await refreshed.json()) as object)).toEqual(['access']);
    expect(await login('admin@example.test', 'wrong')).toEqual({
      status: 401,
      body: { error: 'Invalid credentials' },
    });
  });

  it('tells a live session from a dead one at /api/auth/me/', async () => {
    const sid = double.sessionFor(DJANGO_ADMIN.email);
    const me = (cookie: string) =>
      fetch(`${double.apiUrl}/api/auth/me/`, { headers: cookie ? { cookie } : {} });
    const live = await me(`sessionid=${sid}`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ id: DJANGO_ADMIN.id, is_super_admin: true });
    expect((await me('')).status).toBe(403);
    double.expireSessions();
    expect((await me(`sessionid=${sid}`)).status).toBe(403);
  });

  it('answers pong, ignores other objects and closes 1011 on non-JSON', async () => {
    const c = await client('/ws/dashboard/', {
      Cookie: `sessionid=${double.sessionFor(DJANGO_ADMIN.email)}`,
      ...ORIGIN,
    });
    c.send({ type: 'subscribe' });
    c.send({ type: 'ping' });
    await c.next((m) => m.type === 'pong');
    expect(c.messages).toHaveLength(2);
    c.send('[1]');
    expect((await c.waitClosed()).code).toBe(1011);
  });

  it('broadcasts business_created then business_updated from the REST API', async () => {
    const c = await client('/ws/dashboard/', {
      Cookie: `sessionid=${double.sessionFor(DJANGO_ADMIN.email)}`,
      ...ORIGIN,
    });
    await c.next((m) => m.type === 'connection_established');
    const { body } = await login();
    const created = await fetch(`${double.apiUrl}/api/businesses/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body.access}` },
      body: JSON.stringify({
        name: 'Acme',
        subdomain: 'acme',
        email: 'a@acme.test',
        email_from_name: 'Acme',
        owner_email: 'o@acme.test',
      }),
    });
    expect(created.status).toBe(201);
    // As built the create answer carries no id: the event (or a later PATCH answer) has it.
    expect(await created.json()).not.toHaveProperty('id');
    const ev = await c.next((m) => m.type === 'business_created');
    const id = (ev.payload as { business: { id: string } }).business.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ev.payload).toMatchObject({
      business: { id, name: 'Acme' },
      message: 'New business "Acme" created',
    });
    expect(ev.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const patched = await fetch(`${double.apiUrl}/api/businesses/${id}/`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body.access}` },
      body: JSON.stringify({ name: 'Acme Ltd' }),
    });
    expect(await patched.json()).toMatchObject({ id, name: 'Acme Ltd' });
    const up = await c.next((m) => m.type === 'business_updated');
    expect(up.payload).toMatchObject({ message: 'Business "Acme Ltd" updated' });
    const anonymous = await fetch(`${double.apiUrl}/api/businesses/`, {
      method: 'POST',
      body: '{}',
    });
    expect(anonymous.status).toBe(401);

    // A reservation is stored but answered 500, and no event goes out.
    const before = double.reservations;
    const reservation = await fetch(`${double.apiUrl}/api/reservations/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ business: id, customer_name: 'Ada', party_size: 2 }),
    });
    expect(reservation.status).toBe(500);
    expect(double.reservations).toBe(before + 1);
    await sleep(100);
    expect(
      c.messages.filter((m) => (m as { type?: string }).type === 'reservation_created'),
    ).toEqual([]);
  });

  it('runs the admin login form with CSRF and sets sessionid', async () => {
    const page = await fetch(`${double.apiUrl}/admin/login/`);
    const csrf = /csrftoken=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(await page.text()).toContain(`name="csrfmiddlewaretoken" value="${csrf}"`);
    const form = (password: string, token = csrf) =>
      fetch(`${double.apiUrl}/admin/login/`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `csrftoken=${csrf}`,
        },
        body: new URLSearchParams({
          username: DJANGO_ADMIN.email,
          password,
          csrfmiddlewaretoken: token,
        }).toString(),
      });
    expect((await form(DJANGO_ADMIN.password, 'forged')).status).toBe(403);
    expect((await form('wrong')).status).toBe(200);
    const ok = await form(DJANGO_ADMIN.password);
    expect(ok.status).toBe(302);
    const session = /sessionid=([^;]+)/.exec(ok.headers.get('set-cookie') ?? '')?.[1];
    expect(session).toBeTruthy();
    const c = await client('/ws/dashboard/', { Cookie: `sessionid=${session}`, ...ORIGIN });
    await c.next((m) => m.type === 'connection_established');
  });

  it('serves /api/health/ on localhost and 404 to a dotted host', async () => {
    expect(await (await fetch(`${double.apiUrl}/api/health/`)).json()).toEqual({
      status: 'healthy',
    });
    expect((await fetch(`${double.httpUrl}/api/health/`)).status).toBe(404);
  });

  it('accepts anonymous notification sockets silently; a notification reaches only its own user', async () => {
    const anon = await client('/ws/notifications/', ORIGIN);
    const signed = await client('/ws/notifications/', {
      Cookie: `sessionid=${double.sessionFor(DJANGO_ADMIN.email)}`,
      ...ORIGIN,
    });
    const other = await client('/ws/notifications/', {
      Cookie: `sessionid=${double.sessionFor(DJANGO_STAFF.email)}`,
      ...ORIGIN,
    });
    signed.send('garbage is ignored');
    await double.notify(DJANGO_ADMIN.email, { title: 'Hello', message: 'World', type: 'info' });
    expect(await signed.next((m) => m.title === 'Hello')).toEqual({
      title: 'Hello',
      message: 'World',
      type: 'info',
    });
    await sleep(50);
    expect(anon.texts).toHaveLength(0);
    expect(other.texts).toHaveLength(0);
    expect(signed.closed).toBeNull();
  });

  it('pings like daphne only after client silence and aborts without a pong', async () => {
    const c = await open(ws('/ws/notifications/'), ORIGIN, false);
    clients.push(c);
    const closed = await c.waitClosed();
    expect(closed.code).toBe(1006);
    expect(c.pings).toBe(1);
  });
});
