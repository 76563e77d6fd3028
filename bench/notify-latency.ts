/**
 * Benchmark 2: event to notification latency. A sender process sends critical alerts (which the
 * policy shows at once, one OS notification each) at 1,000/s; the time from the sender's
 * `send()` to the notifier's `show()` is taken on the shared monotonic clock. The same stream
 * to a bare `ws` client (send → JSON parsed) is the reference, measured in the same run.
 */
import { occurrenceKey } from '../shared/model/event-identity';
import { bareClient } from './support/bare-client';
import { sentAtOf } from './support/frames';
import { hrNow } from './support/hr-clock';
import { startLookoutPath } from './support/lookout-path';
import { Proc } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { spread } from './support/stats';
import { sleep, until } from './support/wait';

const GOAL_P99_MS = 5;

export async function notifyLatency(ctx: BenchContext): Promise<BenchResult> {
  const rate = 1_000;
  const seconds = ctx.quick ? 2 : 10;
  const count = rate * seconds;
  const server = Proc.start('frame-server');
  try {
    const { port } = await server.next<{ type: string; port: number }>('ready', 20_000);
    const url = `ws://127.0.0.1:${port}/ws`;
    const burst = {
      type: 'burst',
      dialect: 'lookout',
      count,
      rate,
      mix: 'critical',
      maxMs: seconds * 1_000 + 10_000,
    };

    // Reference: send → parsed by a bare client.
    const bareLatency: number[] = [];
    const bare = await bareClient(url, (frame) => {
      if (frame.type !== 'event') return;
      const sentAt = sentAtOf((frame.data ?? {}) as Record<string, unknown>);
      if (sentAt !== undefined) bareLatency.push(hrNow() - sentAt);
    });
    await server.next('connected', 10_000);
    await server.request(burst, 'burst-done', seconds * 1_000 + 20_000);
    await until(() => bareLatency.length >= count, 10_000, 'the bare client to get every event');
    await bare.close();
    await server.request({ type: 'close-all' }, 'closed');

    // Lookout: send → notifier.show(), and send → model updated.
    const sentAtById = new Map<string, number>();
    const notifyLatencyMs: number[] = [];
    const modelLatencyMs: number[] = [];
    let open = false;
    let subscribed = false;
    const path = startLookoutPath({
      url,
      dialect: 'lookout',
      onDecode: (result) => {
        if (result.acks?.some((a) => a.op === 'subscribed')) subscribed = true;
        for (const e of result.events ?? []) {
          const sentAt = sentAtOf(e.data);
          // Keyed as the policy names a notification's events: by occurrence, not the wire id.
          if (sentAt !== undefined) sentAtById.set(occurrenceKey(e), sentAt);
        }
      },
      onEvents: (events) => {
        const now = hrNow();
        for (const e of events) {
          const sentAt = sentAtById.get(occurrenceKey(e));
          if (sentAt !== undefined) modelLatencyMs.push(now - sentAt);
        }
      },
      onShow: (n) => {
        const now = hrNow();
        for (const id of n.eventIds) {
          const sentAt = sentAtById.get(id);
          if (sentAt !== undefined) notifyLatencyMs.push(now - sentAt);
        }
      },
      onState: (c) => {
        if (c.to === 'open') open = true;
      },
    });
    try {
      await server.next('connected', 10_000);
      await until(() => open && subscribed, 10_000, 'the session to open and subscribe');
      await server.request(burst, 'burst-done', seconds * 1_000 + 20_000);
      await until(
        () => notifyLatencyMs.length >= count,
        10_000,
        'a notification for every event',
      ).catch(() => sleep(0));
    } finally {
      await path.stop();
    }
    if (process.env.BENCH_TRACE) {
      for (let i = 0; i < notifyLatencyMs.length; i += 100) {
        const slice = notifyLatencyMs.slice(i, i + 100);
        ctx.log(`  ${i}: max ${Math.max(...slice).toFixed(1)} ms`);
      }
    }
    const b = spread(bareLatency);
    const n = spread(notifyLatencyMs);
    const m = spread(modelLatencyMs);
    const name = 'latency 1k/s';
    const rows: Row[] = [
      {
        bench: name,
        name: 'bare ws send→parsed p50 / p99 (reference)',
        value: b.p99,
        unit: `ms p99 (p50 ${b.p50}, max ${b.max})`,
        goal: '',
        met: null,
      },
      {
        bench: name,
        name: 'Lookout send→model p99',
        value: m.p99,
        unit: `ms (p50 ${m.p50}, max ${m.max})`,
        goal: '',
        met: null,
      },
      {
        bench: name,
        name: 'Lookout send→notifier p50',
        value: n.p50,
        unit: 'ms',
        goal: '',
        met: null,
      },
      {
        bench: name,
        name: 'Lookout send→notifier p99',
        value: n.p99,
        unit: 'ms',
        goal: `< ${GOAL_P99_MS} ms`,
        met: n.p99 < GOAL_P99_MS,
      },
      {
        bench: name,
        name: 'Lookout send→notifier max',
        value: n.max,
        unit: 'ms',
        goal: '',
        met: null,
      },
      {
        bench: name,
        name: 'notifications shown / events sent',
        value: n.n,
        unit: `/ ${count}`,
        goal: `${count}`,
        met: n.n === count,
      },
    ];
    return {
      name: 'latency',
      rows,
      details: { rate, seconds, count, bare: b, notifier: n, model: m },
    };
  } finally {
    await server.stop();
  }
}
