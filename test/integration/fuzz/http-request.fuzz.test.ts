import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../../electron/browser-host/browser-host';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';
import { recordProcessFaults } from '../../support/process-faults';
import { rawRequest } from '../../support/raw-http';
import { requestCorpus, type FuzzRequest } from '../../support/fuzz/http-request-arbitraries';

/**
 * Request lines and header sections under property-based fuzzing, sent as raw bytes over TCP
 * (nothing normalises `//`, `/\`, `/%`, absolute forms, odd methods or duplicate headers on the
 * way), on the plain HTTP path and on the upgrade path, against the gateway and the browser host.
 * Every input must get an HTTP answer below 500 (a 101 where it is a valid upgrade): no silence,
 * no 5xx, no uncaught exception or unhandled rejection, and the server serves normally afterwards.
 */

const SEED = 0x5eed;
const RUNS = Math.max(20, Math.round(Number(process.env.LOOKOUT_FUZZ_RUNS ?? 300) / 2));
const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

const fx = new Fixtures();
const recorder = recordProcessFaults();
afterEach(async () => {
  await fx.cleanup();
  recorder.faults.length = 0;
});

interface Report {
  perClass: Record<string, number>;
  answers: Record<string, number>;
  bad: string[];
}

/** Send the corpus a few requests at a time; tally classes and answers; keep the bad inputs. */
async function fire(port: number, corpus: FuzzRequest[]): Promise<Report> {
  const report: Report = { perClass: {}, answers: {}, bad: [] };
  const one = async ({ cls, bytes }: FuzzRequest) => {
    // A generous bound: on a loaded machine a sign-in's password hash alone can take seconds.
    const answer = await rawRequest(port, bytes, { timeoutMs: 10_000, waitMs: 100 });
    report.perClass[cls] = (report.perClass[cls] ?? 0) + 1;
    const key =
      answer.status === null
        ? answer.closed
          ? 'closed silently'
          : 'no answer'
        : String(answer.status);
    report.answers[key] = (report.answers[key] ?? 0) + 1;
    if (answer.status === null || answer.status >= 500)
      report.bad.push(`${key} ← ${JSON.stringify(bytes.slice(0, 200))}`);
  };
  for (let i = 0; i < corpus.length; i += 8) await Promise.all(corpus.slice(i, i + 8).map(one));
  return report;
}

function print(what: string, total: number, report: Report): void {
  console.info(
    `HTTP request fuzzing of ${what} (seed ${SEED}, ${RUNS} request lines per path): ${total} requests\n` +
      `  per class: ${JSON.stringify(report.perClass)}\n  answers:   ${JSON.stringify(report.answers)}`,
  );
}

describe('HTTP request lines and headers under fuzzing', () => {
  it('the gateway answers every request line and header section below 500 and keeps serving', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens(admin);
    const corpus = requestCorpus(
      {
        routes: ['/ws', '/health', '/stats', '/auth/login', '/auth/refresh', '/publish'],
        host: `127.0.0.1:${address.port}`,
        upgradeAuth: [`Authorization: Bearer ${access}`],
      },
      SEED,
      RUNS,
    );
    const report = await fire(address.port, corpus);
    print('the gateway', corpus.length, report);
    expect(report.bad).toEqual([]);
    expect(recorder.faults).toEqual([]);
    // Every class of the corpus was exercised on both paths.
    for (const path of ['http', 'upgrade'])
      for (const cls of [
        'method',
        'version',
        'target: huge',
        'target: paths',
        'target: absolute/other form',
        'target: escapes and backslashes',
        'headers: duplicate',
        'headers: oversized',
        'headers: malformed',
      ])
        expect(report.perClass[`${path} ${cls}`], `${path} ${cls}`).toBeGreaterThan(0);
    // Still serving: health, a socket that subscribes and receives, and /stats of bounded size.
    expect((await http(address.url, 'GET', '/health')).status).toBe(200);
    const client = fx.track(await connect(address.wsUrl, access));
    await client.subscribe('dashboard');
    await gateway.publish('dashboard', { kind: 'alert', title: 'after fuzzing' });
    await client.waitFrame((f) => f.type === 'event' && f.title === 'after fuzzing');
    expect(gateway.metrics.counters.size).toBeLessThan(100);
  }, 120_000);

  it('the browser host answers every request line and header section below 500 and keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-fuzz-host-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1)');
    const host = await startBrowserHost({
      rendererDir: dir,
      dataDir: join(dir, 'data'),
      embedded: false,
      notifier: new MemoryNotifier(),
    });
    try {
      const secret = new URL(host.url).searchParams.get('k') ?? '';
      const corpus = requestCorpus(
        {
          routes: ['/', '/index.html', '/app.js', '/bridge'],
          host: `127.0.0.1:${host.port}`,
          upgradeAuth: [
            `Origin: http://127.0.0.1:${host.port}`,
            `Sec-WebSocket-Protocol: lookout.${secret}`,
          ],
        },
        SEED,
        RUNS,
      );
      const report = await fire(host.port, corpus);
      print('the browser host', corpus.length, report);
      expect(report.bad).toEqual([]);
      expect(recorder.faults).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${host.port}/app.js`)).status).toBe(200);
      expect(await host.core.invoke('app:initial-state', {})).toMatchObject({
        host: { kind: 'browser' },
      });
    } finally {
      await host.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
