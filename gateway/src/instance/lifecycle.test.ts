import { describe, expect, it } from 'vitest';
import { silentGatewayLogger } from '../logger';
import type { Revocation } from '../auth/auth-state';
import { InstanceLifecycle, type LifecycleParts } from './lifecycle';
import { ServingState } from './serving-state';

/** Every part as a fake that writes what was done to it into one shared journal. */
function parts(journal: string[], ownsLog: boolean) {
  const step =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      journal.push(args.length > 0 ? `${name}(${args.join(',')})` : name);
      return result;
    };
  let revocationListener: ((r: Revocation) => void) | null = null;
  const serving = new ServingState(() => 0, 10);
  const fakes = {
    instanceId: 'gw-test',
    logger: silentGatewayLogger,
    serving,
    ownsLog,
    auth: {
      start: step('auth.start', Promise.resolve()),
      stop: step('auth.stop', Promise.resolve()),
      state: {
        onRevocation(listener: (r: Revocation) => void) {
          journal.push('auth.onRevocation');
          revocationListener = listener;
          return step('auth.offRevocation');
        },
        isRevoked: () => true,
      },
    },
    log: {
      kind: 'memory',
      start: step('log.start', Promise.resolve()),
      stop: step('log.stop', Promise.resolve()),
    },
    hub: {
      start: step('hub.start'),
      stop: step('hub.stop'),
      closeRevoked: step('hub.closeRevoked'),
      moveClients: (windowMs: number) => {
        journal.push(`hub.moveClients(${windowMs})`);
        return Promise.resolve(3);
      },
    },
    stats: {
      startPrometheus: step('stats.startPrometheus', Promise.resolve()),
      stopPrometheus: step('stats.stopPrometheus'),
    },
    health: { start: step('health.start'), stop: step('health.stop') },
    server: {
      listen: () => {
        journal.push(`server.listen(started=${serving.started})`);
        return Promise.resolve({ port: 4321, host: '127.0.0.1' });
      },
      close: step('server.close', Promise.resolve()),
    },
    sources: {
      start: step('sources.start', Promise.resolve()),
      stop: step('sources.stop', Promise.resolve()),
      stopDemo: step('sources.stopDemo'),
    },
  };
  return {
    parts: fakes as unknown as LifecycleParts,
    serving,
    revoke: (r: Revocation) => revocationListener?.(r),
  };
}

describe('InstanceLifecycle', () => {
  it('starts what a client needs before the server listens, and the event sources after', async () => {
    const journal: string[] = [];
    const { parts: p, serving } = parts(journal, true);
    const address = await new InstanceLifecycle({}, p).start();
    expect(journal).toEqual([
      'auth.start',
      'auth.onRevocation',
      'log.start',
      'hub.start',
      'stats.startPrometheus',
      'health.start',
      'server.listen(started=false)',
      'sources.start',
    ]);
    expect(serving.started).toBe(true);
    expect(address).toEqual({
      port: 4321,
      url: 'http://127.0.0.1:4321',
      wsUrl: 'ws://127.0.0.1:4321/ws',
    });
  });

  it('stops the sources first and tells the clients (hub) before the server closes', async () => {
    const journal: string[] = [];
    const { parts: p, serving } = parts(journal, true);
    const lifecycle = new InstanceLifecycle({ prometheus: false }, p);
    await lifecycle.start();
    journal.length = 0;
    await lifecycle.stop();
    expect(journal).toEqual([
      'sources.stop',
      'hub.stop',
      'health.stop',
      'server.close',
      'log.stop',
      'auth.offRevocation',
      'auth.stop',
      'stats.stopPrometheus',
    ]);
    expect(serving.started).toBe(false);
    expect(serving.stopping).toBe(true);
  });

  it('never starts or stops a log the embedder gave, nor loads Prometheus when turned off', async () => {
    const journal: string[] = [];
    const { parts: p } = parts(journal, false);
    const lifecycle = new InstanceLifecycle({ prometheus: false }, p);
    await lifecycle.start();
    await lifecycle.stop();
    expect(journal.filter((s) => s.startsWith('log.') || s.includes('startPrometheus'))).toEqual(
      [],
    );
  });

  it('hands every revocation to the hub while running', async () => {
    const journal: string[] = [];
    const { parts: p, revoke } = parts(journal, true);
    await new InstanceLifecycle({}, p).start();
    revoke({ kind: 'user', sub: 'ana', at: 1 });
    expect(journal.filter((s) => s.startsWith('hub.closeRevoked'))).toHaveLength(1);
  });

  it('a drain refuses new clients, stops the demo traffic and moves the clients over the window', async () => {
    const journal: string[] = [];
    const { parts: p, serving } = parts(journal, true);
    const lifecycle = new InstanceLifecycle({ drainWindowMs: 250 }, p);
    await lifecycle.start();
    journal.length = 0;
    const result = await lifecycle.drain();
    expect(serving.refusing()).toBe('this instance is draining');
    expect(journal).toEqual(['sources.stopDemo', 'hub.moveClients(250)']);
    expect(result.moved).toBe(3);
    expect(await lifecycle.drain(40)).toMatchObject({ moved: 3 });
    expect(journal.at(-1)).toBe('hub.moveClients(40)');
  });
});
