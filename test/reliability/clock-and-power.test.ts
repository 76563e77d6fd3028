import { afterEach, describe, expect, it } from 'vitest';
import type { SystemEvents } from '../../electron/core/kernel/ports';
import { MemoryEventLog, createGateway, silentGatewayLogger } from '../../gateway/src';
import { FaultProxy } from '../support/fault-proxy';
import { jumpingClock } from '../support/jumping-clock';
import { sleep, waitFor } from '../support/wait';
import {
  ADMIN,
  RecordingClient,
  RestartableGateway,
  SECRET,
  expectExactlyOnce,
  fixedToken,
} from './harness';

/**
 * Wall-clock jumps (NTP corrections, a VM restored) and suspend/resume with the network gone
 * meanwhile, through an injected clock and injected power events: no crash, no storm, and every
 * event published meanwhile reaches the bell exactly once.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Subscriptions the current gateway instance has received. */
function subscribed(gw: RestartableGateway): number {
  return gw.gateway?.metrics.counters.get('frames.in.subscribe') ?? 0;
}

function powerEvents(): SystemEvents & { emit(e: 'suspend' | 'resume' | 'online'): void } {
  const listeners = new Map<string, Set<() => void>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    emit(event) {
      for (const l of listeners.get(event) ?? []) l();
    },
  };
}

async function setup(heartbeatMs = 300) {
  const log = new MemoryEventLog();
  // Frequent heartbeats keep frames flowing, as the real gateway's do every 15 s.
  const gw = new RestartableGateway({ eventLog: log, heartbeatMs });
  await gw.start();
  cleanups.push(() => gw.stop());
  const proxy = await new FaultProxy(gw.port).start();
  cleanups.push(() => proxy.stop());
  const publisher = createGateway({ secret: SECRET, logger: silentGatewayLogger, eventLog: log });
  let published = 0;
  const publish = async () => {
    published++;
    await publisher.publish('dashboard', { kind: 'alert', title: `e${published}` });
  };
  const token = (await publisher.issueTokens(ADMIN)).access;
  return { gw, proxy, publish, token, count: () => published };
}

describe('clock jumps and suspend/resume', () => {
  it('rides out the wall clock jumping an hour forward and back, still detecting a dead path', async () => {
    // The gateway's default heartbeat, so a dead path is found by the client's own keepalive.
    const { gw, proxy, publish, token, count } = await setup(15_000);
    const clock = jumpingClock();
    const client = new RecordingClient(
      { url: proxy.url, liveness: { pingIntervalMs: 300, deadAfterMs: 1_500 } },
      { credentials: fixedToken(token), clock },
    );
    cleanups.push(() => client.session.stop());
    client.session.start();
    await waitFor(() => subscribed(gw) >= 1, { timeoutMs: 10_000, what: 'subscription' });
    await publish();
    clock.jump(3_600_000);
    for (let i = 0; i < 5; i++) {
      await publish();
      await sleep(100);
    }
    clock.jump(-2 * 3_600_000);
    for (let i = 0; i < 5; i++) {
      await publish();
      await sleep(100);
    }
    await waitFor(() => client.seqs().length === count(), { timeoutMs: 15_000, what: 'events' });
    // With the clock an hour behind, keepalive must still run: a dead path is still found.
    const attempts = client.session.diagnostics().attempts.length;
    proxy.pause();
    await publish();
    await waitFor(() => client.session.diagnostics().attempts.length > attempts, {
      timeoutMs: 10_000,
      what: 'dead-peer detection after the backward jump',
    });
    expect(client.session.diagnostics().attempts[attempts - 1]?.outcome?.meaning).toMatch(
      /half-open/,
    );
    proxy.resume();
    clock.jump(3_600_000);
    await waitFor(() => client.session.state === 'open', { timeoutMs: 15_000 });
    await publish();
    await waitFor(() => client.seqs().length === count(), {
      timeoutMs: 15_000,
      what: `events (${client.seqs().join(',')} of ${count()}; ${client.states.map((s) => `${s.to}: ${s.reason}`).join(' | ')})`,
    });
    expectExactlyOnce(client, count());
    // A forward jump looks like a suspend: at most a check-and-reconnect per jump, never a storm.
    expect(client.session.diagnostics().attempts.length).toBeLessThanOrEqual(6);
  }, 60_000);

  it('after a resume, finds the connection died during the sleep, reconnects at once and replays', async () => {
    // The gateway's default heartbeat: it must not be the gateway that notices and hangs up first.
    const { gw, proxy, publish, token, count } = await setup(15_000);
    const system = powerEvents();
    const client = new RecordingClient(
      // Liveness alone would take a minute: the resume check must be what notices.
      {
        url: proxy.url,
        liveness: { pingIntervalMs: 60_000, deadAfterMs: 120_000, staleAfterMs: 0 },
        backoff: { minMs: 200, maxMs: 400, factor: 2, stableAfterMs: 1_000 },
      },
      { credentials: fixedToken(token), system },
    );
    cleanups.push(() => client.session.stop());
    client.session.start();
    await waitFor(() => subscribed(gw) >= 1, { timeoutMs: 10_000, what: 'subscription' });
    await publish();
    await waitFor(() => client.seqs().length === 1);
    system.emit('suspend');
    proxy.pause(); // the Wi-Fi went away while the lid was closed
    await publish();
    await publish();
    system.emit('resume');
    await waitFor(() => client.session.diagnostics().attempts.length >= 2, {
      timeoutMs: 10_000,
      what: 'the resume check to give up on the dead socket',
    });
    proxy.resume();
    await waitFor(() => client.session.state === 'open', {
      timeoutMs: 15_000,
      what: `reopen (${JSON.stringify(client.session.diagnostics().attempts)}; ${client.states.map((s) => `${s.to}: ${s.reason}`).join(' | ')})`,
    });
    const attempts = client.session.diagnostics().attempts;
    expect(attempts[0]?.outcome?.meaning).toMatch(/woke up/);
    // Reconnected at once on waking, not after a backoff.
    expect(attempts[1]).toMatchObject({ trigger: 'resume', delayMs: 0 });
    await publish();
    await waitFor(() => client.seqs().length === count(), { timeoutMs: 10_000, what: 'replay' });
    expectExactlyOnce(client, count());
  }, 60_000);
});
