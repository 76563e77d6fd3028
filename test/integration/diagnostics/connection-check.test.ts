import { afterEach, describe, expect, it } from 'vitest';
import { runConnectionCheck } from '../../../electron/core/diagnostics/connection-check';
import { Redactor } from '../../../electron/core/kernel/redact';
import { ManualClock } from '../../support/manual-clock';
import { testDialect } from '../../support/test-dialect';
import { testEndpoint } from '../../support/endpoint';
import { WsTestServer } from '../../support/ws-test-server';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(options: ConstructorParameters<typeof WsTestServer>[0] = {}) {
  const s = await new WsTestServer(options).start();
  cleanups.push(() => s.stop());
  return s;
}

describe('the connection check against a real ws server', () => {
  it('waits on events, not on time: a reply long after the subscription still counts on a clock that never moves', async () => {
    const s = await server({
      onConnection: (socket) =>
        socket.on('message', () => {
          // Answer later than any polling tick would notice by itself.
          setTimeout(() => {
            socket.send(JSON.stringify({ type: 'subscribed', channel: 'dashboard' }));
            socket.send(JSON.stringify({ type: 'event', id: 'e1' }));
          }, 150);
        }),
    });
    const clock = new ManualClock(1_000);
    const report = await runConnectionCheck({
      endpoint: testEndpoint({ url: s.url, subscriptions: ['dashboard'] }),
      dialect: testDialect(),
      credentials: { getCredentials: async () => ({ token: 'opaque-check-token' }) },
      redactor: new Redactor(),
      clock,
    });
    expect(report.steps.map((r) => [r.id, r.status])).toEqual([
      ['dns', 'ok'],
      ['tcp', 'ok'],
      // Direct route (no proxy to pass), and ws:// has no TLS to check.
      ['proxy', 'ok'],
      ['tls', 'skipped'],
      ['upgrade', 'ok'],
      ['auth', 'ok'],
      ['subscribe', 'ok'],
      ['round-trip', 'ok'],
      ['delivery', 'ok'],
    ]);
    expect(report.steps.find((r) => r.id === 'subscribe')?.detail).toBe('Subscribed: dashboard.');
    expect(report.startedAt).toBe(1_000);
    expect(s.upgrades[0]?.headers.authorization).toBe('Bearer opaque-check-token');
    expect(JSON.stringify(report)).not.toContain('opaque-check-token');
  });

  it('times out on the clock port: a silent server is a warning once the clock passes the reply window', async () => {
    const s = await server();
    const clock = new ManualClock(0);
    const pending = runConnectionCheck({
      endpoint: testEndpoint({ url: s.url, subscriptions: ['dashboard'] }),
      dialect: testDialect({ quietAfterMs: 60_000 }),
      credentials: { getCredentials: async () => ({}) },
      redactor: new Redactor(),
      clock,
      replyTimeoutMs: 3_000,
      // The ping's own timeout is never reached while the test moves the clock.
      stepTimeoutMs: 600_000,
    });
    let settled = false;
    void pending.then(() => (settled = true));
    // The subscription went out: the check waits for a reply, on the clock.
    for (let i = 0; i < 200 && s.received.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(s.received.length).toBe(1);
    expect(settled).toBe(false);
    // Past the reply window (subscribe), then past it again (delivery waits for data).
    for (let i = 0; i < 200 && !settled; i++) {
      await clock.advanceAsync(1_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    const report = await pending;
    expect(report.steps.find((r) => r.id === 'subscribe')).toMatchObject({
      status: 'warning',
      detail: 'No reply within 3 s.',
    });
    expect(report.steps.find((r) => r.id === 'round-trip')?.status).toBe('ok');
    expect(report.steps.find((r) => r.id === 'delivery')?.status).toBe('warning');
    expect(report.summary).toMatch(/^Reachable and answering, but delivery is not proven/);
  });
});
