import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait';
import { Fixtures } from './fixtures';
import { TestClient, connect } from './ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

describe('liveness', () => {
  it('sends heartbeat frames and PINGs to a healthy client and keeps it', async () => {
    const { gateway, address } = await fx.gateway({ heartbeatMs: 100 });
    const c = fx.track(await connect(address.wsUrl, (await gateway.issueTokens(admin)).access));
    let pings = 0;
    c.ws.on('ping', () => pings++);
    await c.waitFrame((f) => f.type === 'heartbeat', 3);
    expect(pings).toBeGreaterThan(0);
    expect(c.closed).toBeNull();
    expect(typeof c.of('heartbeat')[0]?.serverTime).toBe('number');
  });

  it('terminates a peer that stops answering PINGs and counts it', async () => {
    const { gateway, address } = await fx.gateway({ heartbeatMs: 100 });
    const { access } = await gateway.issueTokens(admin);
    const ws = new WebSocket(address.wsUrl, {
      headers: { Authorization: `Bearer ${access}` },
      autoPong: false,
    });
    const c = fx.track(new TestClient(ws));
    const closed = await c.waitClose(5_000);
    expect(closed.code).toBe(1006);
    await waitFor(() => gateway.metrics.counters.get('heartbeat.deadPeers') === 1);
  });
});
