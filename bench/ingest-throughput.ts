/**
 * Benchmark 1: ingest throughput. A sender process pushes a long run of realistic frames as fast
 * as the socket takes them to (a) a bare `ws` client that only parses JSON and (b) Lookout's
 * full path (Session → dialect decode + validation → AppModel → PatchBatcher → NotifyPolicy).
 * Runs alternate (bare, lookout, lookout, bare, …) on fresh connections; the median of each side
 * is compared, so the ratio holds on a noisy machine.
 */
import { bareClient } from './support/bare-client';
import { startLookoutPath } from './support/lookout-path';
import { Proc } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { hrNow } from './support/hr-clock';
import { median, round } from './support/stats';
import { until } from './support/wait';
import type { FrameDialect } from './support/frames';

interface RunFigures {
  client: 'bare' | 'lookout';
  events: number;
  eventsPerSec: number;
  /** Client-process CPU per event (user + system), µs. */
  cpuUsPerEvent: number;
  /** The sender's CPU over its burst, as a share of the burst's wall time (1 = the sender was the limit). */
  senderBusy: number;
}

/** Above this share of its wall time on CPU, the sender may have been the limit, not the client. */
const SENDER_SATURATED = 0.9;

const GOAL_RATIO = 0.8;
/** Issue 23's goal: Lookout's CPU per event at most 1.25× the bare client's. */
const CPU_GOAL = 1.25;

async function runOnce(
  server: Proc,
  port: number,
  dialect: FrameDialect,
  client: 'bare' | 'lookout',
  count: number,
  maxMs: number,
): Promise<RunFigures> {
  const url =
    dialect === 'lookout' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}/ws/dashboard/`;
  let received = 0;
  let first = 0;
  let last = 0;
  const note = (n: number) => {
    if (received === 0) first = hrNow();
    received += n;
    if (received >= count) last = hrNow();
  };
  const connected = server.next('connected', 10_000);
  let close: () => Promise<void>;
  if (client === 'bare') {
    const bare = await bareClient(url, (frame) => {
      if (frame.type === 'event' || 'payload' in frame) note(1);
    });
    close = () => bare.close();
    await connected;
  } else {
    let open = false;
    let subscribed = dialect !== 'lookout';
    const path = startLookoutPath({
      url,
      dialect,
      onEvents: (events) => note(events.length),
      onState: (c) => {
        if (c.to === 'open') open = true;
      },
      onDecode: (result) => {
        if (result.acks?.some((a) => a.op === 'subscribed')) subscribed = true;
      },
    });
    close = () => path.stop();
    await connected;
    await until(() => open && subscribed, 10_000, 'the session to open and subscribe');
  }
  const cpuBefore = process.cpuUsage();
  const done = server.request<{ type: string; senderCpuMs?: number; senderWallMs?: number }>(
    { type: 'burst', dialect, count, rate: 0, maxMs },
    'burst-done',
    maxMs + 10_000,
  );
  // Bounded in time too: a slow path is measured on what it handled within `maxMs`.
  const deadline = hrNow() + maxMs;
  await until(() => received >= count || hrNow() > deadline, maxMs + 5_000, 'events', 5);
  if (received < count) last = hrNow();
  const cpu = process.cpuUsage(cpuBefore);
  server.send({ type: 'stop-burst' });
  const burst = await done;
  // Cut the server side first: a slow client still has a backlog in its socket, and its own
  // close handshake would queue behind it.
  await server.request({ type: 'close-all' }, 'closed');
  await close();
  const seconds = (last - first) / 1_000;
  return {
    client,
    events: received,
    eventsPerSec: Math.round((received - 1) / seconds),
    cpuUsPerEvent: round((cpu.user + cpu.system) / received),
    senderBusy:
      burst.senderCpuMs !== undefined && burst.senderWallMs
        ? round(burst.senderCpuMs / burst.senderWallMs, 2)
        : 0,
  };
}

export async function ingestThroughput(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.quick ? 20_000 : 100_000;
  const rounds = ctx.quick ? 1 : 3;
  const maxMs = ctx.quick ? 1_500 : 10_000;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { eventsPerRun: count, maxMsPerRun: maxMs, rounds };
  // One sender process serves both dialects (each burst says which frames to send).
  const server = Proc.start('frame-server');
  try {
    const { port } = await server.next<{ type: string; port: number }>('ready', 20_000);
    for (const dialect of ['lookout', 'django-channels'] as const) {
      // Warm-up (JIT, first connection) on both sides, not counted.
      await runOnce(server, port, dialect, 'bare', Math.min(count, 10_000), 500);
      await runOnce(server, port, dialect, 'lookout', Math.min(count, 10_000), 500);
      const runs: RunFigures[] = [];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (['bare', 'lookout'] as const) : (['lookout', 'bare'] as const);
        for (const client of order) {
          const figures = await runOnce(server, port, dialect, client, count, maxMs);
          ctx.log(
            `  ${dialect} ${client}: ${figures.eventsPerSec.toLocaleString('en-US')} events/s, ` +
              `${figures.cpuUsPerEvent} µs CPU per event, sender busy ${Math.round(figures.senderBusy * 100)} %`,
          );
          runs.push(figures);
        }
      }
      const bare = median(runs.filter((r) => r.client === 'bare').map((r) => r.eventsPerSec));
      const lookout = median(runs.filter((r) => r.client === 'lookout').map((r) => r.eventsPerSec));
      const bareCpu = median(runs.filter((r) => r.client === 'bare').map((r) => r.cpuUsPerEvent));
      const lookoutCpu = median(
        runs.filter((r) => r.client === 'lookout').map((r) => r.cpuUsPerEvent),
      );
      const ratio = round(lookout / bare, 3);
      const cpuRatio = round(lookoutCpu / bareCpu, 2);
      // The reference must have been limited by the client, not by the sender feeding it.
      const senderBusy = Math.max(
        ...runs.filter((r) => r.client === 'bare').map((r) => r.senderBusy),
      );
      const trusted = senderBusy < SENDER_SATURATED;
      details[dialect] = {
        runs,
        bare,
        lookout,
        ratio,
        cpuRatio,
        senderBusyInBareRuns: senderBusy,
        bareCpuUsPerEvent: bareCpu,
        lookoutCpuUsPerEvent: lookoutCpu,
      };
      const b = `ingest ${dialect}`;
      rows.push(
        {
          bench: b,
          name: 'bare ws client (reference)',
          value: bare,
          unit: 'events/s',
          goal: '',
          met: null,
        },
        {
          bench: b,
          name: 'Lookout full path',
          value: lookout,
          unit: 'events/s',
          goal: '',
          met: null,
        },
        {
          bench: b,
          name: 'sender busy during the bare runs (max)',
          value: Math.round(senderBusy * 100),
          unit: trusted
            ? '% (the client was the limit)'
            : '% (the SENDER was the limit: ratios untrusted)',
          goal: `< ${SENDER_SATURATED * 100} %`,
          met: trusted,
        },
        {
          bench: b,
          name: 'ratio Lookout / bare, events/s',
          value: ratio,
          unit: '',
          goal: `>= ${GOAL_RATIO}`,
          met: trusted && ratio >= GOAL_RATIO,
        },
        {
          bench: b,
          name: 'client CPU per event, Lookout / bare',
          value: cpuRatio,
          unit: `× (${lookoutCpu} / ${bareCpu} µs)`,
          goal: `<= ${CPU_GOAL}`,
          met: trusted && cpuRatio <= CPU_GOAL,
        },
      );
    }
  } finally {
    await server.stop();
  }
  return { name: 'ingest', rows, details };
}
