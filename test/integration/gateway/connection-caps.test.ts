import { connect as tcpConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';

const fx = new Fixtures();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await fx.cleanup();
});

/** A connection that sends the start of a request head and then nothing (slowloris). */
function slowHeaders(
  port: number,
): Promise<{ socket: Socket; answer: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let text = '';
    let closed = false;
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.once('connect', () => {
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      resolve({ socket, answer: () => text, closed: () => closed });
    });
    socket.once('error', reject);
  });
}

describe('connection caps', () => {
  it('caps connections per user with 429 and counts it; other users are not affected', async () => {
    const { gateway, address } = await fx.gateway({ limits: { maxConnectionsPerUser: 3 } });
    const alice = (await gateway.issueTokens({ sub: 'alice', role: 'support' })).access;
    const bob = (await gateway.issueTokens({ sub: 'bob', role: 'support' })).access;
    const held = [];
    for (let i = 0; i < 3; i++) held.push(fx.track(await connect(address.wsUrl, alice)));
    const refused = await open(address.wsUrl, { token: alice });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'too-many-connections' });
    }
    expect(gateway.metrics.counters.get('handshake.perUserLimit')).toBe(1);
    fx.track(await connect(address.wsUrl, bob));
    // A slot frees up when one of alice's sockets closes.
    held[0]?.close();
    await waitFor(async () => {
      const again = await open(address.wsUrl, { token: alice });
      if (again.ok) fx.track(again.client);
      return again.ok;
    });
  });

  it('caps connections whose headers are still arriving and times them out with 408', async () => {
    const { gateway, address } = await fx.gateway({
      headersTimeoutMs: 500,
      limits: { maxPendingConnections: 3, maxPendingPerAddress: 100 },
    });
    const slow = [];
    for (let i = 0; i < 3; i++) slow.push(await slowHeaders(address.port));
    await waitFor(() => gateway.gauges().pendingConnections === 3);
    const over = await slowHeaders(address.port);
    await waitFor(() => over.closed(), { what: 'the fourth pending connection refused' });
    expect(over.answer()).toMatch(/^HTTP\/1\.1 503 /);
    expect(gateway.metrics.counters.get('http.pendingRejected')).toBe(1);
    for (const s of slow) {
      await waitFor(() => s.closed(), { what: 'a slow head timed out' });
      expect(s.answer()).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect(gateway.metrics.counters.get('http.headersTimeouts')).toBe(3);
    expect((await http(address.url, 'GET', '/health')).status).toBe(200);
  });

  it('caps pending connections per client address, so one address cannot take every slot', async () => {
    const { gateway, address } = await fx.gateway({
      headersTimeoutMs: 10_000,
      limits: { maxPendingConnections: 1_000, maxPendingPerAddress: 2 },
    });
    await slowHeaders(address.port);
    await slowHeaders(address.port);
    await waitFor(() => gateway.gauges().pendingConnections === 2);
    const third = await slowHeaders(address.port);
    await waitFor(() => third.closed(), { what: 'the third from one address refused' });
    expect(third.answer()).toMatch(/^HTTP\/1\.1 503 /);
    expect(gateway.metrics.counters.get('http.pendingRejected')).toBe(1);
  });
});
