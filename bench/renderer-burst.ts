/**
 * Benchmarks 6 and 7, in Chromium (playwright-core driving /usr/bin/chromium) against the real
 * browser host (LookoutCore + bridge + built renderer) in this process:
 * - start-up: from calling `startBrowserHost` to the renderer showing its first snapshot;
 * - a burst: a sender process pushes 2,000 events/s to the host's session while the page shows
 *   the notification list; long tasks are observed in the page (PerformanceObserver 'longtask')
 *   and each event's first appearance in the DOM (MutationObserver on its unique title) is
 *   compared with the sender's wall-clock send time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { register } from 'node:module';
import type { BrowserHost, BrowserHostOptions } from '../electron/browser-host/browser-host';
import { CountingNotifier } from './support/lookout-path';
import { Proc, type ProcMessage } from './support/proc';
import type { BenchContext, BenchResult, Row } from './support/report';
import { median, round, spread } from './support/stats';
import { sleep } from './support/wait';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../e2e/chromium';

/** Installed in the page before its own scripts run. Wall-clock times (the sender's clock too). */
const PAGE_PROBE = `(() => {
  const bench = { long: [], seen: {}, firstSnapshotAt: 0 };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.long.push({ at: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { bench.noLongtask = String(e); }
  const scan = (text, now) => {
    if (!text || text.indexOf('Bench event ') < 0) return;
    const re = /Bench event (\\d+)/g;
    let m;
    while ((m = re.exec(text))) if (!(m[1] in bench.seen)) bench.seen[m[1]] = now;
  };
  new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) {
      if (r.type === 'characterData') scan(r.target.textContent, now);
      else for (const n of r.addedNodes) scan(n.textContent, now);
    }
    if (!bench.firstSnapshotAt) {
      const h = document.querySelector('h1.page__title');
      if (h && h.textContent && h.textContent !== 'Loading…') bench.firstSnapshotAt = now;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

interface BurstDone extends ProcMessage {
  sent: number;
  times: number[];
}

interface PageFigures {
  long: Array<{ at: number; ms: number }>;
  seen: Record<string, number>;
  firstSnapshotAt: number;
  noLongtask?: string;
}

async function writeEndpoints(dataDir: string, port: number): Promise<void> {
  const file = {
    version: 1,
    endpoints: [
      {
        id: 'bench',
        name: 'Bench sender',
        dialect: 'lookout',
        url: `ws://127.0.0.1:${port}/ws`,
        subscriptions: ['dashboard'],
      },
    ],
  };
  await writeFile(join(dataDir, 'endpoints.json'), JSON.stringify(file, null, 2));
}

type StartHost = (options: BrowserHostOptions) => Promise<BrowserHost>;

/**
 * The browser host, imported lazily so a problem there cannot stop the other benchmarks. It
 * imports `notify/notifier.node`, which Node's loader takes for a native addon: a resolve hook
 * maps it to the .ts file (see the report; renaming the file removes the need).
 */
async function loadHost(): Promise<StartHost> {
  register(new URL('./support/node-suffix-hook.mjs', import.meta.url));
  const mod = await import('../electron/browser-host/browser-host');
  return mod.startBrowserHost;
}

async function openHost(
  startBrowserHost: StartHost,
  browser: Browser,
  dataDir: string,
  rendererDir: string,
): Promise<{ host: BrowserHost; page: Page; startupMs: number }> {
  const page = await browser.newPage();
  await page.addInitScript(PAGE_PROBE);
  const t0 = Date.now();
  const host = await startBrowserHost({
    dataDir,
    rendererDir,
    embedded: false,
    notifier: new CountingNotifier(),
  });
  await page.goto(`${host.url}#/notifications`);
  await page.waitForFunction(
    () => (globalThis as unknown as { __bench: PageFigures }).__bench.firstSnapshotAt > 0,
    undefined,
    { timeout: 15_000, polling: 20 },
  );
  const first = await page.evaluate(
    () => (globalThis as unknown as { __bench: PageFigures }).__bench.firstSnapshotAt,
  );
  return { host, page, startupMs: first - t0 };
}

export async function rendererBurst(ctx: BenchContext): Promise<BenchResult> {
  const rendererDir = join(process.cwd(), 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return {
      name: 'renderer',
      rows: [],
      details: {},
      skipped: 'dist/renderer is not built (run: npx vite build -c renderer/vite.config.ts)',
    };
  }
  if (!existsSync(CHROMIUM)) {
    return { name: 'renderer', rows: [], details: {}, skipped: `${CHROMIUM} is not installed` };
  }
  const startBrowserHost = await loadHost();
  const rate = 2_000;
  const seconds = ctx.quick ? 2 : 10;
  const startups = ctx.quick ? 1 : 5;
  const server = Proc.start('frame-server');
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-bench-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const { port } = await server.next<{ type: string; port: number }>('ready', 20_000);
    await writeEndpoints(dataDir, port);

    // 7. Start-up, several times on fresh hosts and pages (the first one includes cold caches).
    const startupMs: number[] = [];
    for (let i = 0; i < startups; i++) {
      const {
        host,
        page,
        startupMs: ms,
      } = await openHost(startBrowserHost, browser, dataDir, rendererDir);
      startupMs.push(ms);
      await page.close();
      await host.stop();
      await server.request({ type: 'close-all' }, 'closed');
    }
    ctx.log(`  start-up: ${startupMs.map((m) => `${m} ms`).join(', ')}`);

    // 6. Burst into an open page showing the notification list.
    const { host, page } = await openHost(startBrowserHost, browser, dataDir, rendererDir);
    let burst: BurstDone;
    let figures: PageFigures;
    try {
      await server.next('connected', 10_000);
      await sleep(500);
      await page.evaluate(() => {
        const b = (globalThis as unknown as { __bench: PageFigures }).__bench;
        b.long.length = 0;
      });
      burst = await server.request<BurstDone>(
        {
          type: 'burst',
          dialect: 'lookout',
          mix: 'render',
          count: rate * seconds,
          rate,
          maxMs: seconds * 1_000 + 10_000,
          recordTimes: true,
        },
        'burst-done',
        seconds * 1_000 + 30_000,
      );
      await sleep(1_000);
      figures = await page.evaluate(
        () => (globalThis as unknown as { __bench: PageFigures }).__bench,
      );
    } finally {
      await page.close();
      await host.stop();
    }
    const latencies: number[] = [];
    for (const [n, seenAt] of Object.entries(figures.seen)) {
      const sentAt = burst.times[Number(n) - 1];
      if (sentAt !== undefined) latencies.push(seenAt - sentAt);
    }
    const s = spread(latencies);
    const longs = figures.long.map((l) => l.ms);
    const over50 = longs.filter((ms) => ms > 50).length;
    const longest = round(longs.length ? Math.max(...longs) : 0, 0);
    ctx.log(
      `  burst: ${burst.sent} sent, ${latencies.length} seen in the DOM, long tasks ${longs.length} (max ${longest} ms)`,
    );
    const rows: Row[] = [
      {
        bench: 'start-up',
        name: 'host start → first snapshot, median',
        value: median(startupMs),
        unit: `ms (max ${Math.max(...startupMs)}, n=${startups})`,
        goal: '< 1000 ms',
        met: Math.max(...startupMs) < 1_000,
      },
      {
        bench: 'renderer 2k/s',
        name: 'long tasks > 50 ms',
        value: over50,
        unit: `(of ${longs.length} long tasks)`,
        goal: '',
        met: null,
      },
      {
        bench: 'renderer 2k/s',
        name: 'longest task',
        value: longest,
        unit: 'ms',
        goal: '<= 100 ms',
        met: figures.noLongtask ? null : longest <= 100,
      },
      {
        bench: 'renderer 2k/s',
        name: 'event → DOM p95',
        value: s.p95,
        unit: `ms (p50 ${s.p50}, max ${s.max})`,
        goal: '< 100 ms',
        met: s.p95 < 100,
      },
      {
        bench: 'renderer 2k/s',
        name: 'events that reached the DOM',
        value: latencies.length,
        unit: `/ ${burst.sent} (the list is virtualised)`,
        goal: '',
        met: null,
      },
    ];
    return {
      name: 'renderer',
      rows,
      details: {
        rate,
        seconds,
        startupMs,
        longTasks: figures.long,
        noLongtask: figures.noLongtask ?? null,
        eventToDom: s,
        seenInDom: latencies.length,
        sent: burst.sent,
      },
    };
  } finally {
    await browser.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
