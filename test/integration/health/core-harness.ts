import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { EndpointInput } from '../../../shared/config/endpoint';
import type { PushChannel, PushPayloads } from '../../../shared/ipc/contract';
import type { EndpointHealth } from '../../../shared/model/health';
import { waitFor } from '../../support/wait';

/** The real core on a temp data folder with the given endpoints, and what it pushed. */
export interface CoreUnderTest {
  core: LookoutCore;
  notifier: MemoryNotifier;
  /** Every `connection:health` push, in order. */
  healthPushes: EndpointHealth[];
  pushes: Array<{ channel: PushChannel; payload: unknown }>;
  /** The latest pushed health of an endpoint. */
  health(id: string): EndpointHealth | undefined;
  /** Wait (bounded) until the pushed health of `id` satisfies `pred`, and return it. */
  waitHealth(
    id: string,
    pred: (h: EndpointHealth) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<EndpointHealth>;
}

/**
 * Start a LookoutCore as a host would, with `endpoints.json` already written (so no demo), fast
 * backoff unless the endpoint says otherwise. Stopped by the returned cleanup.
 */
export async function startCore(
  endpoints: EndpointInput[],
  cleanups: Array<() => Promise<void> | void>,
): Promise<CoreUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-health-'));
  await writeFile(
    join(dataDir, 'endpoints.json'),
    JSON.stringify({
      version: 1,
      endpoints: endpoints.map((e) => ({
        backoff: { minMs: 50, maxMs: 400, factor: 2, stableAfterMs: 1_000 },
        handshakeTimeoutMs: 2_000,
        ...e,
      })),
    }),
  );
  const notifier = new MemoryNotifier();
  const core = new LookoutCore({
    dataDir,
    notifier,
    appVersion: '0.0.0-test',
    hostKind: 'browser',
  });
  const healthPushes: EndpointHealth[] = [];
  const pushes: CoreUnderTest['pushes'] = [];
  const latest = new Map<string, EndpointHealth>();
  core.onPush(<C extends PushChannel>(channel: C, payload: PushPayloads[C]) => {
    pushes.push({ channel, payload });
    if (channel === 'connection:health') {
      const h = payload as EndpointHealth;
      healthPushes.push(h);
      latest.set(h.endpoint, h);
    }
  });
  cleanups.push(async () => {
    await core.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await core.start();
  return {
    core,
    notifier,
    healthPushes,
    pushes,
    health: (id) => latest.get(id),
    waitHealth: (id, pred, what, timeoutMs = 10_000) =>
      waitFor(
        () => {
          const h = latest.get(id);
          return h && pred(h) ? h : null;
        },
        { timeoutMs, what: `${id}: ${what}` },
      ),
  };
}
