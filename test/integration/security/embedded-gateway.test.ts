import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/browser-host';
import { startEmbeddedGateway } from '../../../electron/host-common/embedded-gateway';
import type { EmbeddedGateway } from '../../../electron/core/app/core-api';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../../gateway/src';
import { startTsChild } from '../../support/child-process';
import { recordProcessFaults } from '../../support/process-faults';
import { UPGRADE_HEADERS, rawRequest, requestHead } from '../../support/raw-http';
import { waitFor } from '../../support/wait';

/**
 * The demo gateway the app embeds runs inside the app's own process: anything that reaches it
 * from another local process (or a web page on another local origin: `<img src>` is enough to
 * send a GET) must never end the app.
 */

const recorder = recordProcessFaults();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  recorder.faults.length = 0;
});

async function embedded(): Promise<EmbeddedGateway & { port: number }> {
  const gw = await startEmbeddedGateway();
  cleanups.push(() => gw.stop());
  return { ...gw, port: Number(new URL(gw.httpUrl).port) };
}

async function login(gw: EmbeddedGateway): Promise<number> {
  const res = await fetch(`${gw.httpUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: gw.username, password: gw.password }),
  });
  return res.status;
}

describe('the embedded demo gateway', () => {
  it('survives the request lines that once ended the app, on both paths', async () => {
    const gw = await embedded();
    for (const line of [
      'GET // HTTP/1.1',
      'GET /\\ HTTP/1.1',
      'GET /% HTTP/1.1',
      'GET * HTTP/1.1',
    ]) {
      for (const upgrade of [false, true]) {
        const answer = await rawRequest(
          gw.port,
          requestHead(line, ['Host: 127.0.0.1', ...(upgrade ? UPGRADE_HEADERS : [])]),
        );
        expect(answer.status, `${line} upgrade=${upgrade}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${line} upgrade=${upgrade}`).toBeLessThan(500);
      }
    }
    expect(recorder.faults).toEqual([]);
    expect(await login(gw)).toBe(200);
  });

  it('inside the running app: the app keeps its live demo connection after `GET //`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-embedded-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
    const host: BrowserHost = await startBrowserHost({
      rendererDir: dir,
      dataDir: join(dir, 'data'),
      notifier: new MemoryNotifier(),
    });
    cleanups.push(async () => {
      await host.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const initial = await host.core.invoke('app:initial-state', {});
    const demo = initial.endpoints.find((e) => e.id === 'demo');
    expect(demo).toBeDefined();
    const port = Number(new URL(String(demo?.url)).port);
    const state = async () =>
      (await host.core.invoke('app:initial-state', {})).connections.find(
        (c) => c.endpoint === 'demo',
      )?.state;
    await waitFor(async () => (await state()) === 'open', { timeoutMs: 15_000, what: 'demo open' });
    // What `<img src="http://127.0.0.1:PORT//">` on any local web page sends.
    const answer = await rawRequest(
      port,
      requestHead('GET // HTTP/1.1', [`Host: 127.0.0.1:${port}`]),
    );
    expect(answer.status).toBe(404);
    expect(recorder.faults).toEqual([]);
    expect(await state()).toBe('open');
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(200);
  });

  it('refuses publishes from outside the app: no API key works, the public demo key least of all', async () => {
    const gw = await embedded();
    const alert = { channel: 'dashboard', kind: 'alert', severity: 'critical', title: 'Spoofed' };
    const attempts: Array<Record<string, string>> = [
      { authorization: `Bearer ${DEMO_API_KEY}` },
      { 'x-api-key': DEMO_API_KEY },
      {},
      { authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${gw.httpUrl}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(alert),
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'publish-disabled' });
    }
  });

  it('signs in only with its own per-launch password, not the public demo password', async () => {
    const gw = await embedded();
    expect(gw.password).not.toBe(DEMO_PASSWORD);
    expect(gw.password.length).toBeGreaterThanOrEqual(20);
    expect(await login({ ...gw, password: DEMO_PASSWORD })).toBe(401);
    expect(await login(gw)).toBe(200);
    const other = await embedded();
    expect(other.password).not.toBe(gw.password);
  });

  it('the public demo key stays valid for `npm run gateway -- --demo` (documented as such)', async () => {
    const child = startTsChild('gateway/src/cli.ts', ['--demo', '--port', '0'], {
      env: { REDIS_URL: '' },
    });
    cleanups.push(() => child.kill());
    const [, port] = await child.waitOutput(/on ws:\/\/127\.0\.0\.1:(\d+)\/ws/);
    const res = await fetch(`http://127.0.0.1:${port}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEY}` },
      body: JSON.stringify({ channel: 'dashboard', kind: 'alert', title: 'from a demo publisher' }),
    });
    expect(res.status).toBe(202);
  });
});
