import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../electron/core/connection/session';
import { lookoutDialect } from '../../electron/core/dialects/lookout';
import { AppModel } from '../../electron/core/state/app-model';
import { endpointSchema } from '../../shared/config/endpoint';
import { DEFAULT_LIMITS } from '../../shared/model/app-state';
import { MemoryEventLog, createGateway, silentGatewayLogger } from '../../gateway/src';
import { FaultProxy } from '../support/fault-proxy';
import { sleep, waitFor } from '../support/wait';
import { ADMIN, RestartableGateway, SECRET } from './harness';

/**
 * The soak: mixed traffic on two channels through the real engine into the real model, with a
 * fault every few seconds (gateway restarts, resets, FINs, half-open pauses, trickling). At the
 * end every published event was received exactly once, and memory and open handles are flat.
 * `LOOKOUT_SOAK_MS` sets the length: 3600000 for the full hour; CI runs 45 s.
 */

const DURATION_MS = Number(process.env.LOOKOUT_SOAK_MS ?? 45_000);
const FAULT_EVERY_MS = 3_000;
const CHANNELS = ['dashboard', 'tasks:admin@lookout.local'] as const;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * Exactly-once bookkeeping without keeping every event (the soak must not grow by itself): per
 * channel the next seq expected, and the seqs skipped over (a hole filled later is taken back out).
 */
class Ledger {
  private readonly next = new Map<string, number>();
  private readonly holes = new Map<string, Set<number>>();
  duplicates = 0;
  received = 0;

  take(channel: string, seq: number): void {
    const expected = this.next.get(channel) ?? 1;
    const holes = this.holes.get(channel) ?? new Set<number>();
    this.holes.set(channel, holes);
    if (seq < expected && !holes.delete(seq)) this.duplicates++;
    for (let s = expected; s < seq; s++) holes.add(s);
    if (seq >= expected) this.next.set(channel, seq + 1);
    this.received++;
  }

  get gaps(): number {
    let n = 0;
    for (const holes of this.holes.values()) n += holes.size;
    return n;
  }

  lastSeq(channel: string): number {
    return (this.next.get(channel) ?? 1) - 1;
  }

  /** Seqs of `channel` not received out of 1..`published`, as ranges: `412-419, 2340-2343`. */
  missing(channel: string, published: number): string {
    const seqs = [...(this.holes.get(channel) ?? [])];
    for (let s = this.lastSeq(channel) + 1; s <= published; s++) seqs.push(s);
    seqs.sort((a, b) => a - b);
    const ranges: string[] = [];
    for (let i = 0; i < seqs.length;) {
      let j = i;
      while (j + 1 < seqs.length && seqs[j + 1] === (seqs[j] ?? 0) + 1) j++;
      ranges.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
      i = j + 1;
    }
    return ranges.join(', ') || 'none';
  }
}

/** What to print when events are not accounted for: which ones, and where the session stands. */
function shortfall(
  ledger: Ledger,
  published: ReadonlyMap<string, number>,
  session: Session,
  gateway: RestartableGateway,
): string {
  const d = session.diagnostics();
  const lines = [
    `received ${ledger.received} of ${[...published.values()].reduce((a, b) => a + b, 0)} (duplicates ${ledger.duplicates}, gaps ${ledger.gaps})`,
    ...[...published].map(
      ([channel, n]) =>
        `  ${channel}: published ${n}, last seq received ${ledger.lastSeq(channel)}, missing ${ledger.missing(channel, n)}`,
    ),
    `session ${d.state} since ${new Date(d.since).toISOString()}, stale ${d.stale}, last message ${d.lastMessageAt ? `${Date.now() - d.lastMessageAt} ms ago` : 'never'}`,
    ...d.channels.map(
      (c) =>
        `  ${c.name}: acknowledged ${c.acknowledged}, events ${c.events}, resumes ${c.resume ? `after ${c.resume.seq} (epoch ${c.resume.epoch})` : 'from the head'}, dropped ${JSON.stringify(c.dropped)}`,
    ),
    `gateway up ${gateway.gateway !== null}, ${JSON.stringify(Object.fromEntries(gateway.gateway?.metrics.counters ?? []))}`,
    'last attempts:',
    ...d.attempts.slice(-5).map((a) => `  #${a.n} ${a.trigger}: ${a.outcome?.meaning ?? 'open'}`),
  ];
  return lines.join('\n');
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

describe('soak', () => {
  it(
    `survives ${Math.round(DURATION_MS / 1000)} s of mixed traffic and periodic faults with every event accounted for`,
    async () => {
      const log = new MemoryEventLog(5_000);
      const gw = new RestartableGateway({ eventLog: log, heartbeatMs: 1_000 });
      await gw.start();
      cleanups.push(() => gw.stop());
      const proxy = await new FaultProxy(gw.port).start();
      cleanups.push(() => proxy.stop());
      const publisher = createGateway({
        secret: SECRET,
        logger: silentGatewayLogger,
        eventLog: log,
      });
      const token = (await publisher.issueTokens(ADMIN)).access;
      const endpoint = endpointSchema.parse({
        id: 'soak',
        name: 'Soak',
        dialect: 'lookout',
        url: proxy.url,
        subscriptions: [...CHANNELS],
        backoff: { minMs: 50, maxMs: 500, factor: 2, stableAfterMs: 1_000 },
        handshakeTimeoutMs: 2_000,
        liveness: { pingIntervalMs: 250, deadAfterMs: 1_200 },
      });
      const session = new Session({
        endpoint,
        dialect: lookoutDialect,
        ports: { credentials: { getCredentials: async () => ({ token }) } },
      });
      cleanups.push(() => session.stop());
      const store = new AppModel({
        limits: { ...DEFAULT_LIMITS, notifications: 300 },
        dedupeCapacity: 2_000,
      });
      const ledger = new Ledger();
      session.on('events', (events) => {
        for (const e of events) ledger.take(e.channel, e.seq ?? -1);
        store.apply(events);
      });
      session.start();
      await waitFor(() => (gw.gateway?.metrics.counters.get('frames.in.subscribe') ?? 0) >= 2, {
        timeoutMs: 10_000,
        what: 'subscriptions',
      });

      const published = new Map<string, number>(CHANNELS.map((c) => [c, 0]));
      let running = true;
      const traffic = (async () => {
        let i = 0;
        while (running) {
          const channel = CHANNELS[i % CHANNELS.length] ?? 'dashboard';
          const kind = channel === 'dashboard' ? 'business.created' : 'task.updated';
          // Mixed sizes: most small, some large enough to span several TCP segments.
          const body = i % 10 === 0 ? 'x'.repeat(6_000) : `event ${i}`;
          await publisher.publish(channel, {
            kind,
            title: `${kind} ${i}`,
            body,
            data: { business: { id: i, name: `B${i}` }, task: { id: `t${i}`, title: `T${i}` } },
          });
          published.set(channel, (published.get(channel) ?? 0) + 1);
          i++;
          await sleep(i % 50 === 0 ? 200 : 15);
        }
      })();

      const faults: string[] = [];
      const injectors: Array<[string, () => Promise<void>]> = [
        [
          'gateway restart',
          async () => {
            await gw.stop();
            await sleep(150);
            await gw.start();
          },
        ],
        ['reset (RST)', async () => proxy.reset()],
        [
          'half-open 1.5 s',
          async () => {
            proxy.pause();
            await sleep(1_500);
            proxy.resume();
          },
        ],
        [
          'trickle 1 s',
          async () => {
            proxy.setTrickle(3);
            proxy.setDelay(20);
            await sleep(1_000);
            proxy.setTrickle(0);
            proxy.setDelay(0);
          },
        ],
        ['drop (FIN)', async () => proxy.drop()],
      ];

      const started = Date.now();
      let baselineHeap: number | null = null;
      let baselineHandles: Record<string, number> | null = null;
      let n = 0;
      while (Date.now() - started < DURATION_MS) {
        await sleep(FAULT_EVERY_MS);
        const [name, inject] = injectors[n % injectors.length] ?? injectors[0]!;
        await inject();
        faults.push(name);
        n++;
        if (baselineHeap === null && Date.now() - started > DURATION_MS / 4) {
          await waitFor(() => session.state === 'open', { timeoutMs: 20_000 });
          baselineHeap = heapMb();
          baselineHandles = handles();
        }
      }
      running = false;
      await traffic;
      await waitFor(() => session.state === 'open', { timeoutMs: 20_000, what: 'final reopen' });
      const total = [...published.values()].reduce((a, b) => a + b, 0);
      await waitFor(() => ledger.received >= total, {
        timeoutMs: 30_000,
        what: `all ${total} events (have ${ledger.received})`,
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${shortfall(ledger, published, session, gw)}`);
      });
      await sleep(500);
      const heap = heapMb();
      const endHandles = handles();

      for (const channel of CHANNELS)
        expect(ledger.lastSeq(channel), channel).toBe(published.get(channel));
      expect(ledger.duplicates, 'duplicates').toBe(0);
      // The gateway never leaves a hole in a connection's stream, and the proxy only delays or
      // holds bytes as a network does: a gap the client had to repair would be a bug somewhere.
      const drops = session.diagnostics().channels.map((c) => c.dropped);
      expect(drops.map((d) => d.gap ?? 0)).toEqual(CHANNELS.map(() => 0));
      expect(ledger.gaps, 'gaps').toBe(0);
      expect(ledger.received).toBe(total);
      expect(store.snapshot().notifications.length).toBe(Math.min(300, total));
      // Flat: no growth beyond noise once the model's bounded lists are full.
      const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
      expect(heap, `heap ${baselineHeap?.toFixed(1)} → ${heap.toFixed(1)} MB`).toBeLessThan(
        (baselineHeap ?? heap) * (hasGc ? 1.3 : 2) + 20,
      );
      for (const [kind, count] of Object.entries(endHandles))
        expect(count, `open ${kind} handles`).toBeLessThanOrEqual(
          (baselineHandles?.[kind] ?? 0) + 4,
        );
      console.info(
        `soak ${Math.round((Date.now() - started) / 1000)} s: ${faults.length} faults survived (${[...new Set(faults)].join(', ')}), ` +
          `${total} events, 0 lost, 0 doubled, ${session.diagnostics().counters.reconnects} reconnects, ` +
          `not applied ${JSON.stringify(drops)}, ` +
          `heap ${baselineHeap?.toFixed(1)} → ${heap.toFixed(1)} MB (${hasGc ? 'after GC' : 'no --expose-gc: loose bound'}), ` +
          `handles ${JSON.stringify(baselineHandles)} → ${JSON.stringify(endHandles)}`,
      );
    },
    DURATION_MS + 120_000,
  );
});
