/**
 * Screenshots of every main view on the demo bridge (`?fake=1`), for the README and for looking
 * at the UI without a backend. Build first: `npx vite build -c renderer/vite.config.ts`, then
 * `npx tsx e2e/screens/take-screenshots.ts [outDir]`.
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

const ROOT = resolve('dist/renderer');
const OUT = resolve(process.argv[2] ?? 'docs/screenshots');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(ROOT, path === '/' ? 'index.html' : path);
    if (!file.startsWith(ROOT) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`wrote ${name}.png`);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'index.html')))
    throw new Error('Build the renderer first: npx vite build -c renderer/vite.config.ts');
  mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: scheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const base = `http://127.0.0.1:${port}/index.html?fake=1`;
      const suffix = scheme === 'dark' ? '-dark' : '';
      const open = async (hash: string, query = '') => {
        await page.goto(`${base}${query}#/${hash}`);
        await page.waitForSelector('.page');
      };
      await open('dashboard');
      await shot(page, `dashboard${suffix}`);
      if (scheme === 'dark') {
        await open('diagnostics/sakura-prod');
        await shot(page, 'diagnostics-dark');
        await context.close();
        if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
        continue;
      }
      await page.click('.bell__button');
      await shot(page, 'bell-open');
      await page.keyboard.press('Escape');
      await open('notifications');
      await shot(page, 'notifications');
      await open('businesses');
      await shot(page, 'businesses');
      await open('stats');
      await shot(page, 'stats');
      await open('tasks');
      await shot(page, 'tasks');
      await open('diagnostics/task-status');
      await page.click('text=Run connection check');
      await page.waitForSelector('.steps');
      await page.locator('h1.page__title').scrollIntoViewIfNeeded();
      await shot(page, 'diagnostics');
      await page.locator('.steps').scrollIntoViewIfNeeded();
      await shot(page, 'diagnostics-check');
      await open('diagnostics/demo');
      await page.locator('.framelog').scrollIntoViewIfNeeded();
      await shot(page, 'diagnostics-frames');
      await open('settings');
      await shot(page, 'settings');
      await page.click('text=Add endpoint');
      await page.fill('input[placeholder="prod-dashboard"]', 'Bad Id');
      await page.click('text=Test connection');
      await shot(page, 'endpoint-form');
      await open('dashboard', '&welcome=1');
      await page.waitForSelector('.welcome');
      await shot(page, 'first-run');
      await page.click('.banner .btn--primary');
      await shot(page, 'sign-in');
      await context.close();
      if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
    }
  } finally {
    await browser.close();
    await new Promise((ok) => server.close(ok));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
