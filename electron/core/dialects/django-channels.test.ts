import { describe, expect, it } from 'vitest';
import { explainHandshakeStatus } from '../../../shared/close-codes';
import type { EndpointInput } from '../../../shared/config/endpoint';
import { djangoChannelsDialect } from './django-channels';
import { testEndpoint } from '../../../test/support/endpoint';

const AT = 1_700_000_000_000;
const DASH = 'ws://127.0.0.1:8000/ws/dashboard/';
const codec = (extra: Partial<EndpointInput> = {}) =>
  djangoChannelsDialect.create(
    testEndpoint({
      id: 'ep',
      dialect: 'django-channels',
      url: 'ws://127.0.0.1:8000/ws/dashboard/',
      ...extra,
    }),
  );

describe('django-channels codec', () => {
  it('sends an Origin from the URL host and the session cookie', () => {
    const plan = codec({
      auth: {
        method: 'django-session',
        username: 'a@x',
        credentialRef: 'r',
        loginUrl: 'http://localhost:8000/admin/login/',
      },
    }).handshake({ cookie: 'sessionid=abc' }, DASH);
    expect(plan).toEqual({
      url: 'ws://127.0.0.1:8000/ws/dashboard/',
      headers: { Origin: 'http://127.0.0.1', Cookie: 'sessionid=abc' },
    });
    expect(
      codec({ headers: { Origin: 'http://localhost:3000' } }).handshake({}, DASH).headers,
    ).toEqual({
      Origin: 'http://localhost:3000',
    });
  });

  it('puts a JWT in the query as documented', () => {
    const plan = codec({
      auth: {
        method: 'password-jwt',
        username: 'a@x',
        credentialRef: 'r',
        loginUrl: 'http://localhost:8000/api/auth/login/',
        send: 'query',
      },
    }).handshake({ token: 'eyJ.jwt' }, DASH);
    expect(new URL(plan.url).searchParams.get('token')).toBe('eyJ.jwt');
    expect(plan.headers.Cookie).toBeUndefined();
  });

  it('reads the dashboard greeting and pong; pings only on the dashboard', () => {
    const c = codec();
    expect(
      c.decode('{"type":"connection_established","message":"Connected to dashboard updates"}', AT),
    ).toEqual({
      greeting: {},
    });
    expect(c.decode('{"type":"pong"}', AT)).toEqual({ pong: {} });
    expect(c.appPing(AT)).toBe('{"type":"ping"}');
    expect(codec({ url: 'ws://127.0.0.1:8000/ws/notifications/' }).appPing(AT)).toBeNull();
  });

  const business = {
    id: 17,
    name: 'Acme',
    subdomain: 'acme',
    email: 'a@acme.test',
    phone: '1',
    is_active: true,
    subscription_status: 'trial',
    created_at: '2026-11-22T21:56:50.081114Z',
    updated_at: '2026-11-22T21:56:50.081114Z',
    user_count: 1,
    reservation_count: 0,
  };

  it('turns business events into human sentences with links', () => {
    const c = codec();
    const created = c.decode(
      JSON.stringify({
        type: 'business_created',
        payload: { business, message: 'New business "Acme" created' },
        timestamp: '2026-11-22 21:56:50.081114+00:00',
      }),
      AT,
    ).events?.[0];
    expect(created).toMatchObject({
      kind: 'business.created',
      channel: 'dashboard',
      title: 'New business “Acme” created',
      link: 'businesses/17',
      serverTime: Date.UTC(2026, 10, 22, 21, 56, 50, 81),
      data: { businessId: '17', name: 'Acme', subdomain: 'acme' },
    });
    const updated = c.decode(
      JSON.stringify({
        type: 'business_updated',
        payload: {
          business: { ...business, updated_at: 'later' },
          message: 'Business "Acme" updated',
        },
        timestamp: '2026-11-22 21:57:00.000000+00:00',
      }),
      AT,
    ).events?.[0];
    expect(updated).toMatchObject({ kind: 'business.updated', title: 'Business “Acme” updated' });
    expect(updated?.id).not.toBe(created?.id);
  });

  it('supports the documented reservation_created', () => {
    const [e] =
      codec().decode(
        JSON.stringify({
          type: 'reservation_created',
          payload: {
            reservation: { id: 5, business: 17 },
            business_name: 'Acme',
            message: 'New reservation for Acme',
          },
          timestamp: '2026-11-22 21:56:50.081114+00:00',
        }),
        AT,
      ).events ?? [];
    expect(e).toMatchObject({
      kind: 'reservation.created',
      title: 'New reservation for Acme',
      link: 'businesses/17',
    });
  });

  it('keeps whatever a free-form notification carries', () => {
    const c = codec({ url: 'ws://127.0.0.1:8000/ws/notifications/' });
    const [e] =
      c.decode(
        '{"title":"Payment failed","message":"Card declined for Acme","type":"billing","severity":"warning"}',
        AT,
      ).events ?? [];
    expect(e).toMatchObject({
      kind: 'notification',
      channel: 'notifications',
      title: 'Payment failed',
      body: 'Card declined for Acme',
      severity: 'warning',
      data: { type: 'billing' },
    });
    expect(c.decode('{"type":"system","message":"hi"}', AT).events?.[0]).toMatchObject({
      title: 'system',
      severity: 'info',
    });
    expect(c.decode('{"id":9,"level":"error"}', AT).events?.[0]).toMatchObject({
      id: 'notification:ep:9',
      severity: 'critical',
      title: 'Notification',
    });
  });

  it('rejects garbage and unknown dashboard types', () => {
    const c = codec();
    expect(c.decode('x', AT)).toEqual({ rejected: 'non-json' });
    expect(c.decode('[1]', AT)).toEqual({ rejected: 'not-an-object' });
    expect(c.decode('{"type":"stats"}', AT)).toEqual({ rejected: 'unknown-type: stats' });
    expect(c.decode('{"type":"business_created","payload":{}}', AT).rejected).toMatch(
      /^schema: business/,
    );
  });

  it('ranks the causes of a 500 from what Lookout knows, most likely first', () => {
    const rank = djangoChannelsDialect.rankCauses;
    if (!rank) throw new Error('django ranks causes');
    const base = {
      url: 'ws://localhost:8000/ws/dashboard/',
      hasSignIn: true,
      renewedAndStillRefused: false,
      health: 'healthy' as const,
      redis: 'unknown' as const,
    };
    // Live session and a good path: its Redis is the likely cause.
    const live = rank({ ...base, session: 'live' });
    expect(live.map((c) => [c.id, c.likelihood])).toEqual([
      ['redis-down', 'likely'],
      ['wrong-path', 'ruled-out'],
      ['session-expired', 'ruled-out'],
    ]);
    // Dead session: that first (Lookout renews it by itself), Redis still possible.
    expect(rank({ ...base, session: 'dead' }).map((c) => [c.id, c.likelihood])).toEqual([
      ['session-expired', 'likely'],
      ['redis-down', 'possible'],
      ['wrong-path', 'ruled-out'],
    ]);
    // A fresh sign-in did not help: not the session.
    expect(rank({ ...base, session: 'unknown', renewedAndStillRefused: true })[0]).toMatchObject({
      id: 'redis-down',
      likelihood: 'likely',
    });
    // A Redis probe that gets no answer confirms it.
    expect(rank({ ...base, session: 'unknown', redis: 'down' })[0]).toMatchObject({
      id: 'redis-down',
      likelihood: 'confirmed',
    });
    // The health probe failing adds the server itself.
    expect(rank({ ...base, session: 'live', health: 'down' }).map((c) => c.id)).toContain(
      'server-failing',
    );
  });

  it('reads 500 as ambiguous (renew once, keep retrying) and 403 from the Origin it sent', () => {
    const m500 = explainHandshakeStatus(500, djangoChannelsDialect.handshakeOverrides);
    expect(m500.action).toBe('reauth-once');
    expect(m500.meaning).toMatch(/expired session/);
    expect(m500.meaning).toMatch(/trailing slash/);
    expect(m500.meaning).toMatch(/Redis/);
    const url = 'ws://localhost:8000/ws/dashboard/';
    const explain = djangoChannelsDialect.explainRefusal;
    if (!explain) throw new Error('django explains refusals');
    // No trailing slash: certain, and retrying cannot help.
    expect(
      explain(
        500,
        { origin: 'http://localhost', credentials: 'cookie' },
        'ws://localhost:8000/ws/dashboard',
      ),
    ).toMatchObject({ action: 'stop', meaning: expect.stringMatching(/\/ws\/dashboard\//) });
    // No session sent to the dashboard: certain too.
    expect(explain(500, { origin: 'http://localhost', credentials: 'none' }, url)).toMatchObject({
      action: 'stop',
      name: 'Not signed in',
    });
    // With a session and the right path, 500 stays ambiguous.
    expect(
      explain(500, { origin: 'http://localhost', credentials: 'cookie' }, url),
    ).toBeUndefined();
    // 403 with the endpoint's own host as Origin: the role, not the Origin.
    const role = explain(403, { origin: 'http://localhost', credentials: 'cookie' }, url);
    expect(role).toMatchObject({ action: 'sign-in', name: 'Forbidden: not a super admin' });
    expect(role?.meaning).toContain('Lookout sent Origin: http://localhost');
    expect(role?.meaning).toMatch(/not the reason/);
    // 403 with a foreign Origin: the Origin, with the fix.
    const origin = explain(403, { origin: 'http://evil.example', credentials: 'cookie' }, url);
    expect(origin).toMatchObject({ action: 'stop', name: 'Forbidden: Origin not allowed' });
    expect(origin?.meaning).toContain('http://evil.example');
    expect(origin?.meaning).toContain('http://localhost');
    expect(explain(403, { credentials: 'cookie' }, url)?.name).toBe('Forbidden: no Origin');
    expect(djangoChannelsDialect.probes[0]).toMatchObject({
      path: '/api/health/',
      hostOverride: 'localhost',
    });
    expect(djangoChannelsDialect.probes[0]?.interpret(200, { status: 'healthy' }).status).toBe(
      'healthy',
    );
  });
});
