/**
 * Benchmark 4: reconnect. Lookout's gateway (another process) is restarted again and again while
 * it publishes; for each restart, the time from the gateway listening again to the session being
 * open and re-subscribed is compared with the backoff delay the session chose for that attempt.
 * At the end every published event must have arrived exactly once (lookout's seq resume).
 */
import type { Clock } from '../electron/core/kernel/ports';
import { hrNow } from './support/hr-clock';
import { startLookoutPath } from './support/lookout-path';
import { Proc } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { round, spread } from './support/stats';
import { sleep, until } from './support/wait';

const SLACK_MS = 50;

/** The session's clock on the shared monotonic time base, so attempt records compare with the gateway's. */
const hrClock: Clock = {
  now: hrNow,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Restart {
  downMs: number;
  listenToResubscribedMs: number;
  delayMs: number;
  /** Time beyond the later of "listening" and "backoff over": the engine's own reconnect cost. */
  overheadMs: number;
  attemptsDuringOutage: number;
  withinGoal: boolean;
}

export async function reconnect(ctx: BenchContext): Promise<BenchResult> {
  const restarts = ctx.quick ? 3 : 50;
  const backoff = { minMs: 200, maxMs: 2_000, factor: 2, stableAfterMs: 1_000 };
  const gateway = Proc.start('gateway-restarter', { publishPerSec: 100 });
  const subscribedAt: number[] = [];
  const seqs = new Set<number>();
  let duplicates = 0;
  let open = false;
  const { wsUrl, token } = await gateway.next<{ type: string; wsUrl: string; token: string }>(
    'ready',
    20_000,
  );
  const path = startLookoutPath({
    url: wsUrl,
    dialect: 'lookout',
    clock: hrClock,
    credentials: { getCredentials: async () => ({ token }) },
    endpoint: { backoff },
    onDecode: (result) => {
      if (result.acks?.some((a) => a.op === 'subscribed' && a.channel === 'dashboard'))
        subscribedAt.push(hrNow());
    },
    onEvents: (events) => {
      for (const e of events) {
        if (e.seq === undefined) continue;
        if (seqs.has(e.seq)) duplicates += 1;
        seqs.add(e.seq);
      }
    },
    onState: (c) => {
      open = c.to === 'open';
    },
  });
  const results: Restart[] = [];
  try {
    await until(() => open && subscribedAt.length > 0, 10_000, 'the first subscription');
    for (let i = 0; i < restarts; i++) {
      // Let the connection become stable, so each restart starts from a fresh backoff.
      await sleep(backoff.stableAfterMs + 100);
      const before = subscribedAt.length;
      const attemptsBefore = path.session.diagnostics().attempts.length;
      const downMs = 50 + Math.floor(Math.random() * 250);
      const { at: listeningAt } = await gateway.request<{ type: string; at: number }>(
        { type: 'restart', downMs },
        'listening',
        10_000,
      );
      await until(
        () => subscribedAt.length > before && open,
        15_000,
        `re-subscription after restart ${i + 1}`,
      );
      const resubscribed = subscribedAt[subscribedAt.length - 1] as number;
      const attempts = path.session.diagnostics().attempts;
      const winner = [...attempts].reverse().find((a) => a.openedAt !== undefined);
      const delayMs = winner?.delayMs ?? 0;
      const startedAt = winner?.startedAt ?? listeningAt;
      const listenToResubscribedMs = resubscribed - listeningAt;
      results.push({
        downMs,
        listenToResubscribedMs: round(listenToResubscribedMs),
        delayMs,
        overheadMs: round(resubscribed - Math.max(listeningAt, startedAt)),
        attemptsDuringOutage: attempts.length - attemptsBefore,
        withinGoal: listenToResubscribedMs <= delayMs + SLACK_MS,
      });
    }
    const { count: published } = await gateway.request<{ type: string; count: number }>(
      { type: 'stop-publishing' },
      'published',
    );
    await until(
      () => seqs.size > 0 && seqs.size >= published - Math.min(...seqs) + 1,
      10_000,
      'every published event',
    ).catch(() => undefined);
    // A first subscribe (no cursor yet) starts at the channel's head: events published before it
    // are not owed to this client. From the first one received on, every seq must be there.
    const firstSeq = Math.min(...seqs);
    const missingSeqs: number[] = [];
    for (let s = firstSeq; s <= published; s++) if (!seqs.has(s)) missingSeqs.push(s);
    const missing = missingSeqs.length;
    const listen = spread(results.map((r) => r.listenToResubscribedMs));
    const overhead = spread(results.map((r) => r.overheadMs));
    const delays = spread(results.map((r) => r.delayMs));
    const within = results.filter((r) => r.withinGoal).length;
    ctx.log(
      `  ${restarts} restarts, ${published} events published (received from seq ${firstSeq}), ${missing} missing${missing ? ` (${missingSeqs.slice(0, 10).join(', ')})` : ''}, ${duplicates} duplicates`,
    );
    const b = 'reconnect lookout';
    const rows: Row[] = [
      {
        bench: b,
        name: 'restarts within chosen delay + 50 ms',
        value: within,
        unit: `/ ${restarts}`,
        goal: `${restarts}`,
        met: within === restarts,
      },
      {
        bench: b,
        name: 'listening → re-subscribed p50 / max',
        value: listen.p50,
        unit: `ms (max ${listen.max})`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: 'backoff delay chosen p50 / max',
        value: delays.p50,
        unit: `ms (max ${delays.max})`,
        goal: '',
        met: null,
      },
      {
        bench: b,
        name: 'engine overhead beyond delay p50 / max',
        value: overhead.p50,
        unit: `ms (max ${overhead.max})`,
        goal: '< 50 ms',
        met: overhead.max < SLACK_MS,
      },
      {
        bench: b,
        name: 'events lost / duplicated',
        value: missing + duplicates,
        unit: `(of ${published - firstSeq + 1})`,
        goal: '0',
        met: missing === 0 && duplicates === 0,
      },
    ];
    return {
      name: 'reconnect',
      rows,
      details: {
        restarts: results,
        backoff,
        published,
        firstSeq,
        missingSeqs: missingSeqs.slice(0, 100),
        missing,
        duplicates,
        listen,
        overhead,
        delays,
      },
    };
  } finally {
    await path.stop();
    await gateway.stop();
  }
}
