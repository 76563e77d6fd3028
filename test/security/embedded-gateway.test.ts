import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/browser-host';
import { startEmbeddedGateway } from '../../electron/core/app/embedded-gateway';
import type { EmbeddedGateway } from '../../electron/core/app/core-api';
import { MemoryNotifier } from '../../electron/core/notify/notifier.memory';
import { recordProcessFaults } from '../support/process-faults';
import { UPGRADE_HEADERS, rawRequest, requestHead } from '../support/raw-http';
import { waitFor } from '../support/wait';

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
});
