import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointInput } from '../../../shared/config/endpoint';
import {
  DJANGO_ADMIN,
  DJANGO_STAFF,
  type DjangoDouble,
  startDjangoDouble,
} from '../../peers/django-double';
import { RedisServer } from '../../support/redis-server';
import { sleep, waitFor } from '../../support/wait';
import { startCore } from './core-harness';

/**
 * django-channels (PROTOCOLS.md §5) through the real core against its double with a real Redis
 * under its channel layer: an HTTP 500 on the upgrade has three causes, sessions expire, the
 * notifications socket accepts anonymous connections, and a wrong password must be refused in
 * place. Nothing may dead-end while the stored credentials are good.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function django(redisUrl?: string): Promise<DjangoDouble> {
  const double = await startDjangoDouble(redisUrl ? { redisUrl } : {});
  cleanups.push(() => double.stop());
  return double;
}

function dashboard(
  double: DjangoDouble,
  extra: Partial<EndpointInput> = {},
  username = DJANGO_ADMIN.email,
): EndpointInput {
  return {
    id: 'admin',
    name: 'Reservations admin',
    dialect: 'django-channels',
    url: double.url,
    auth: {
      method: 'django-session',
      username,
      credentialRef: 'django-admin',
      loginUrl: `${double.apiUrl}/admin/login/`,
    },
    ...extra,
  };
}

describe('django-channels: no dead ends', () => {
  it('keeps retrying through a Redis outage (1011, then 500 with a live session), renews once, explains the cause, and reconnects by itself', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const double = await django(redis.url);
    const t = await startCore([dashboard(double)], cleanups);
    // Nothing stored yet: not signed in (and honestly so), not "refused".
    const none = await t.waitHealth('admin', (h) => h.state === 'auth-required', 'sign-in needed');
    expect(none.auth.status).toBe('not-signed-in');
    expect(
      await t.core.invoke('auth:sign-in', { endpoint: 'admin', secret: DJANGO_ADMIN.password }),
    ).toEqual({ ok: true });
    const open = await t.waitHealth('admin', (h) => h.state === 'open', 'open');
    expect(open.auth.status).toBe('signed-in');
    const loginsBefore = double.logins;

    await redis.stop();
    const refused = await t.waitHealth(
      'admin',
      (h) => h.lastOutcome?.handshakeStatus === 500 && h.causes.length > 0,
      'a 500 with its causes explained',
    );
    expect(refused.lastOutcome?.action).toBe('reauth-once');
    // The session is live (it lives in the database), the path is right: Redis is the likely one.
    expect(refused.causes[0]).toMatchObject({ id: 'redis-down', likelihood: 'likely' });
    expect(refused.causes.find((c) => c.id === 'session-expired')?.likelihood).toBe('ruled-out');
    // Keep failing for a while: never auth-required, one renewal for the whole incident.
    await waitFor(
      async () =>
        (await t.core.invoke('connection:snapshot', {}))[0]!.attempts.filter(
          (a) => a.outcome?.handshakeStatus === 500,
        ).length >= 4,
      { timeoutMs: 15_000, what: 'several refused attempts' },
    );
    expect(t.healthPushes.some((h) => h.state === 'auth-required' && h.since > open.since)).toBe(
      false,
    );
    expect(double.logins - loginsBefore).toBe(1);
    const diag = (await t.core.invoke('connection:snapshot', {}))[0]!;
    expect(diag.attempts.filter((a) => a.trigger === 'token-refreshed')).toHaveLength(1);
    const firstClose = diag.attempts.find((a) => a.outcome?.closeCode === 1011);
    expect(firstClose?.outcome?.meaning).toMatch(/lost its Redis/);

    await redis.restart();
    const back = await t.waitHealth(
      'admin',
      (h) => h.state === 'open' && h.recoveredAt !== null,
      'reconnected by itself',
      20_000,
    );
    expect(back.causes).toEqual([]);
    expect(back.auth.status).toBe('signed-in');
  }, 60_000);

  it('confirms the Redis cause when a Redis probe is configured for the endpoint', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const double = await django(redis.url);
    const t = await startCore(
      [dashboard(double, { redisProbe: { url: redis.url, intervalMs: 1_000 } })],
      cleanups,
    );
    await t.core.invoke('auth:sign-in', { endpoint: 'admin', secret: DJANGO_ADMIN.password });
    await t.waitHealth('admin', (h) => h.state === 'open', 'open');
    await redis.stop();
    const h = await t.waitHealth(
      'admin',
      (x) => x.causes[0]?.likelihood === 'confirmed',
      'a confirmed cause',
    );
    expect(h.causes[0]).toMatchObject({ id: 'redis-down' });
    expect(h.causes[0]?.evidence).toMatch(/no answer from its Redis/);
    // The connection check, asked now, explains it the same way.
    const check = await t.core.invoke('diagnostics:check', { endpoint: 'admin' });
    expect(check.causes?.[0]).toMatchObject({ id: 'redis-down', likelihood: 'confirmed' });
    expect(check.steps.find((s) => s.id === 'upgrade')?.advice).toMatch(
      /^Most likely: Its channel layer/,
    );
    await redis.restart();
    await t.waitHealth('admin', (x) => x.state === 'open', 'open again', 20_000);
  }, 60_000);

  it('renews an expired session with the stored password before connecting, without asking', async () => {
    const double = await django();
    const t = await startCore(
      [
        dashboard(double),
        {
          ...dashboard(double),
          id: 'notes',
          name: 'Admin notifications',
          url: double.notificationsUrl,
        },
        // A server without the session check: the ambiguous 500 path must renew by itself too.
        {
          ...dashboard(double),
          id: 'unchecked',
          name: 'Admin (no session check)',
          auth: {
            method: 'django-session',
            username: DJANGO_ADMIN.email,
            credentialRef: 'django-admin',
            loginUrl: `${double.apiUrl}/admin/login/`,
            sessionCheckUrl: `${double.apiUrl}/no-such-check/`,
          },
        },
      ],
      cleanups,
    );
    for (const endpoint of ['admin', 'notes', 'unchecked']) {
      expect(
        await t.core.invoke('auth:sign-in', { endpoint, secret: DJANGO_ADMIN.password }),
      ).toEqual({ ok: true });
    }
    await t.waitHealth('admin', (h) => h.state === 'open', 'dashboard open');
    await t.waitHealth('notes', (h) => h.state === 'open', 'notifications open');
    // All three open before the server restarts (a late first attempt would meet the restart).
    await t.waitHealth('unchecked', (h) => h.state === 'open', 'unchecked open');
    await double.notify(DJANGO_ADMIN.email, { title: 'Before', message: 'first' });
    await waitFor(() => t.notifier.shown.some((n) => n.title === 'Before'), {
      what: 'the first notification',
    });

    // Sessions deleted server-side, then the server restarts (no close frame: 1006).
    double.expireSessions();
    const logins = double.logins;
    const pushedBefore = t.healthPushes.length;
    await double.restart();
    await t.waitHealth('admin', (h) => h.state === 'open' && h.recoveredAt !== null, 'dashboard');
    await t.waitHealth('notes', (h) => h.state === 'open' && h.recoveredAt !== null, 'notes');
    await t.waitHealth(
      'unchecked',
      (h) => h.state === 'open' && h.recoveredAt !== null,
      'unchecked',
    );
    // All signed in again by themselves, one login each: two checked before connecting, one
    // after the server's 500 (renewed once for the incident).
    expect(double.logins - logins).toBe(3);
    const unchecked = (await t.core.invoke('connection:snapshot', {})).find(
      (d) => d.endpoint === 'unchecked',
    );
    expect(unchecked?.attempts.map((a) => a.outcome?.handshakeStatus ?? null).slice(-3)).toEqual([
      null,
      500,
      null,
    ]);
    expect(unchecked?.attempts.at(-1)?.trigger).toBe('token-refreshed');
    expect(t.healthPushes.slice(pushedBefore).some((h) => h.state === 'auth-required')).toBe(false);
    // The notifications socket is not anonymous: it receives the user's own notification.
    await double.notify(DJANGO_ADMIN.email, { title: 'After', message: 'second' });
    await waitFor(() => t.notifier.shown.some((n) => n.title === 'After'), {
      what: 'a notification after the renewal',
    });
    const diag = (await t.core.invoke('connection:snapshot', {})).find(
      (d) => d.endpoint === 'admin',
    );
    // The refusal never happened: the dead session was caught before the upgrade.
    expect(diag?.attempts.some((a) => a.outcome?.handshakeStatus === 500)).toBe(false);
    expect(diag?.lastOutcome).toMatchObject({ closeCode: 1006 });
  });

  it('says an anonymous notifications socket receives nothing, instead of calling it connected and fine', async () => {
    const double = await django();
    const t = await startCore(
      [
        {
          id: 'notes-anon',
          name: 'Anonymous notifications',
          dialect: 'django-channels',
          url: double.notificationsUrl,
        },
      ],
      cleanups,
    );
    const h = await t.waitHealth(
      'notes-anon',
      (x) => x.state === 'open' && x.delivery.status === 'unverified',
      'open but unverified',
    );
    expect(h.delivery.detail).toMatch(/anonymous/);
    expect(h.auth.status).toBe('not-needed');
  });

  it('asks only when the server refuses the stored credentials themselves, in its own words', async () => {
    const double = await django();
    const t = await startCore(
      [
        {
          id: 'jwt',
          name: 'JWT login',
          dialect: 'django-channels',
          url: double.notificationsUrl,
          auth: {
            method: 'password-jwt',
            send: 'query',
            username: DJANGO_ADMIN.email,
            credentialRef: 'jwt',
            loginUrl: `${double.apiUrl}/api/auth/login/`,
          },
        },
        dashboard(double, {}, DJANGO_STAFF.email),
      ],
      cleanups,
    );
    // The dialog's sign-in runs the real login first: a wrong password is refused in place and
    // nothing is stored.
    const wrong = await t.core.invoke('auth:sign-in', { endpoint: 'jwt', secret: 'not-it' });
    expect(wrong).toEqual({
      ok: false,
      errors: [expect.stringMatching(/refused \(HTTP 401: Invalid credentials\)/)],
    });
    expect((await t.core.invoke('endpoints:list', {})).find((e) => e.id === 'jwt')?.hasSecret).toBe(
      false,
    );
    expect(t.health('jwt')?.auth.status).toBe('not-signed-in');

    // A staff account that is no super admin: 403 with the allowed Origin we sent. One renewal,
    // then the user is asked, and told it is the role, not the Origin.
    expect(
      await t.core.invoke('auth:sign-in', { endpoint: 'admin', secret: DJANGO_STAFF.password }),
    ).toEqual({ ok: true });
    const role = await t.waitHealth('admin', (h) => h.state === 'auth-required', 'refused');
    expect(role.auth.status).toBe('refused');
    expect(role.lastOutcome).toMatchObject({ handshakeStatus: 403, action: 'sign-in' });
    expect(role.lastOutcome?.meaning).toContain('Lookout sent Origin: http://127.0.0.1');
    expect(role.lastOutcome?.meaning).toMatch(/not a super admin/);
    const attempts = (await t.core.invoke('connection:snapshot', {})).find(
      (d) => d.endpoint === 'admin',
    )!.attempts;
    expect(attempts.map((a) => a.outcome?.handshakeStatus)).toEqual([403, 403]);
    expect(attempts[1]?.trigger).toBe('token-refreshed');

    expect(
      await t.core.invoke('auth:sign-in', { endpoint: 'jwt', secret: DJANGO_ADMIN.password }),
    ).toEqual({ ok: true });
    await t.waitHealth('jwt', (h) => h.auth.status === 'signed-in', 'signed in');
    // The documented ?token= is ignored as built: Lookout says the socket is anonymous.
    const anon = await t.waitHealth('jwt', (h) => h.state === 'open', 'open');
    await sleep(50);
    expect(t.health('jwt')?.delivery).toMatchObject({ status: 'unverified' });
    expect(t.health('jwt')?.delivery.detail).toMatch(/ignores the \?token= JWT/);
    expect(anon.auth.status).toBe('signed-in');
  });

  it('a stored password changed elsewhere: one renewal, then "refused" (not "not signed in")', async () => {
    const double = await django();
    const t = await startCore([dashboard(double)], cleanups);
    await t.core.invoke('auth:sign-in', { endpoint: 'admin', secret: DJANGO_ADMIN.password });
    await t.waitHealth('admin', (h) => h.state === 'open', 'open');
    double.setPassword(DJANGO_ADMIN.email, 'rotated-elsewhere');
    double.expireSessions();
    await double.restart();
    const refused = await t.waitHealth('admin', (h) => h.state === 'auth-required', 'asked');
    expect(refused.auth.status).toBe('refused');
    expect(refused.auth.detail).toMatch(/was refused: check the email and password/);
    const summary = (await t.core.invoke('endpoints:list', {}))[0];
    // A secret is still stored, but Settings reads the verified state, not that.
    expect(summary?.hasSecret).toBe(true);
  });
});
