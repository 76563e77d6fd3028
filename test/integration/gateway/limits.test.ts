import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, open } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

describe('limits and bad frames', () => {
  it('answers every kind of bad frame with an error frame, keeps the connection, counts them', async () => {
    const { gateway, address } = await fx.gateway();
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    const bad: Array<[string | Buffer, string]> = [
      ['not json', 'bad-json'],
      ['[1]', 'not-an-object'],
      ['null', 'not-an-object'],
      ['"text"', 'not-an-object'],
      ['{"no":"type"}', 'unknown-type'],
      ['{"type":"explode"}', 'unknown-type'],
      ['{"type":"subscribe"}', 'bad-frame'],
      ['{"type":"subscribe","channel":"stats","since":-1}', 'bad-frame'],
      ['{"type":"ping","t":"now"}', 'bad-frame'],
      ['{"type":"ping","t":1,"extra":true}', 'bad-frame'],
    ];
    for (const [frame] of bad) c.send(frame);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.waitFrame((f) => f.type === 'error', bad.length + 1);
    expect(
      c
        .of('error')
        .slice(0, bad.length)
        .map((f) => f.code),
    ).toEqual(bad.map(([, code]) => code));
    expect(c.of('error')[bad.length]?.code).toBe('bad-frame');
    c.send({ type: 'ping', t: 5 });
    expect(await c.waitFrame((f) => f.type === 'pong')).toMatchObject({ t: 5 });
    expect(c.closed).toBeNull();
    expect(gateway.metrics.counters.get('badFrames.unknown-type')).toBe(2);
  });

  it('closes with 4009 on a frame over the payload limit', async () => {
    const { gateway, address } = await fx.gateway({ limits: { maxPayloadBytes: 1024 } });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    c.send({ type: 'ping', t: 1, pad: 'x'.repeat(2048) });
    expect((await c.waitClose()).code).toBe(LOOKOUT_CLOSE.TOO_BIG);
    expect(gateway.metrics.counters.get('limits.tooBig')).toBe(1);
  });

  it('closes with 4008 when a client floods', async () => {
    const { gateway, address } = await fx.gateway({ limits: { ratePerSecond: 5, rateBurst: 10 } });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    for (let i = 0; i < 50; i++) c.send({ type: 'ping', t: i });
    expect((await c.waitClose()).code).toBe(LOOKOUT_CLOSE.RATE_LIMITED);
    expect(gateway.metrics.counters.get('limits.rateLimited')).toBe(1);
  });

  it('refuses subscriptions beyond the maximum with an error frame', async () => {
    const { gateway, address } = await fx.gateway({ limits: { maxSubscriptions: 2 } });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    await c.subscribe('dashboard');
    await c.subscribe('stats');
    expect(await c.subscribe('task:1')).toMatchObject({
      type: 'error',
      code: 'too-many-subscriptions',
    });
    // Re-subscribing to a channel already held is not a new subscription.
    expect(await c.subscribe('stats')).toMatchObject({ type: 'subscribed' });
    expect(c.closed).toBeNull();
  });

  it('refuses a foreign Origin with 403, lets listed and absent Origins in', async () => {
    const { gateway, address } = await fx.gateway({ allowedOrigins: ['http://localhost:5173'] });
    const { access } = await gateway.issueTokens(admin);
    const foreign = await open(address.wsUrl, {
      token: access,
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.ok ? 0 : foreign.status).toBe(403);
    const listed = await open(address.wsUrl, {
      token: access,
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(listed.ok).toBe(true);
    if (listed.ok) fx.track(listed.client);
    const native = await open(address.wsUrl, { token: access });
    expect(native.ok).toBe(true);
    if (native.ok) fx.track(native.client);
    expect(gateway.metrics.counters.get('handshake.originRejected')).toBe(1);
  });

  it('answers 404 on other upgrade paths', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens(admin);
    const r = await open(address.wsUrl.replace('/ws', '/other'), { token: access });
    expect(r.ok ? 0 : r.status).toBe(404);
  });
});
