/**
 * `npx tsx bench/profile-ingest.ts [lookout|django-channels] [--events=N] [--out=FILE]`: the ingest
 * benchmark's client path (the real Session over ws, dialect, model, policy) profiled with V8's
 * sampling profiler while it takes full-speed bursts from the frame server. Only the measured
 * bursts are profiled (not start-up, not the warm-up); the profile is written as a `.cpuprofile`
 * (open it in Chrome DevTools) and its top functions by self time are printed, the way the README's
 * performance section reads them.
 */
import { Session as Inspector } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { startLookoutPath } from './support/lookout-path';
import { Proc } from './support/proc';
import { until } from './support/wait';
import { selfTimes } from './support/profile-summary';
import type { FrameDialect } from './support/frames';

const args = process.argv.slice(2);
const dialect = (args.find((a) => !a.startsWith('--')) ?? 'lookout') as FrameDialect;
const events = Number(args.find((a) => a.startsWith('--events='))?.slice(9) ?? 200_000);
const out = args.find((a) => a.startsWith('--out='))?.slice(6) ?? `ingest-${dialect}.cpuprofile`;

const server = Proc.start('frame-server');
try {
  const { port } = await server.next<{ type: string; port: number }>('ready', 20_000);
  const url =
    dialect === 'lookout' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}/ws/dashboard/`;
  let received = 0;
  let open = false;
  let subscribed = dialect !== 'lookout';
  const connected = server.next('connected', 10_000);
  const path = startLookoutPath({
    url,
    dialect,
    onEvents: (batch) => (received += batch.length),
    onState: (c) => {
      if (c.to === 'open') open = true;
    },
    onDecode: (result) => {
      if (result.acks?.some((a) => a.op === 'subscribed')) subscribed = true;
    },
  });
  await connected;
  await until(() => open && subscribed, 10_000, 'the session to open and subscribe');
  const burst = async (count: number, from: number) => {
    const target = received + count;
    const done = server.request(
      { type: 'burst', dialect, count, rate: 0, maxMs: 30_000, from },
      'burst-done',
      60_000,
    );
    await until(() => received >= target, 60_000, 'events', 5);
    await done;
  };
  // Warm-up (JIT), not profiled.
  await burst(20_000, 0);
  const inspector = new Inspector();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.post('Profiler.start');
  const cpu = process.cpuUsage();
  await burst(events, 20_000);
  const used = process.cpuUsage(cpu);
  const { profile } = await inspector.post('Profiler.stop');
  inspector.disconnect();
  await writeFile(out, JSON.stringify(profile));
  console.log(
    `${dialect}: ${events} events, ${((used.user + used.system) / events).toFixed(2)} µs CPU per event (profiler on); profile: ${out}`,
  );
  console.log(selfTimes(profile, 30));
  await server.request({ type: 'close-all' }, 'closed');
  await path.stop();
} finally {
  await server.stop();
}
