import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { RawWebSocket } from '../../support/raw-ws';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { TestClient, connect } from '../../support/ws-test-client';

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

  it('counts only PONGs that answer its own PING: unsolicited PONGs do not keep a peer alive', async () => {
    const { gateway, address } = await fx.gateway({ heartbeatMs: 100 });
    const { access } = await gateway.issueTokens(admin);
    const raw = await RawWebSocket.open(address.port, '/ws', [`Authorization: Bearer ${access}`]);
    try {
      // Reads everything, answers no PING, and sends a PONG of its own every 20 ms.
      const timer = setInterval(() => raw.unsolicitedPong(), 20);
      await waitFor(() => raw.closed, { timeoutMs: 5_000, what: 'the gateway dropping the peer' });
      clearInterval(timer);
      expect(gateway.metrics.counters.get('heartbeat.deadPeers')).toBe(1);
      expect(gateway.metrics.counters.get('heartbeat.unsolicitedPongs')).toBeGreaterThan(0);
    } finally {
      raw.destroy();
    }
  });

  it('keeps a peer that echoes its PINGs, even late within the interval', async () => {
    const { gateway, address } = await fx.gateway({ heartbeatMs: 100 });
    const { access } = await gateway.issueTokens(admin);
    const raw = await RawWebSocket.open(address.port, '/ws', [`Authorization: Bearer ${access}`]);
    try {
      let answered = 0;
      const timer = setInterval(() => {
        for (const ping of raw.frames.filter((f) => f.opcode === 0x9).slice(answered)) {
          raw.send(0xa, ping.payload);
          answered += 1;
        }
      }, 30);
      await waitFor(() => answered >= 5, { timeoutMs: 5_000, what: 'five answered pings' });
      clearInterval(timer);
      expect(raw.closed).toBe(false);
      expect(gateway.metrics.counters.get('heartbeat.deadPeers')).toBeUndefined();
    } finally {
      raw.destroy();
    }
  });
});
