import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/browser-host';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { BridgeWire } from '../../../shared/ipc/contract';
import { recordProcessFaults } from '../../support/process-faults';
import { UPGRADE_HEADERS, rawRequest, requestHead } from '../../support/raw-http';
import { waitFor } from '../../support/wait';

let dir = '';
let host: BrowserHost;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-host-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
  await writeFile(join(dir, 'app.js'), 'console.log(1)');
  host = await startBrowserHost({
    rendererDir: dir,
    dataDir: join(dir, 'data'),
    embedded: false,
    notifier: new MemoryNotifier(),
  });
});
afterEach(async () => {
  await host.stop();
  await rm(dir, { recursive: true, force: true });
});

const secretOf = (h: BrowserHost) => new URL(h.url).searchParams.get('k') ?? '';

function connect(h: BrowserHost, opts: { secret?: string; origin?: string } = {}) {
  return new WebSocket(
    `ws://127.0.0.1:${h.port}/bridge`,
    [`lookout.${opts.secret ?? secretOf(h)}`],
    {
      origin: opts.origin ?? `http://127.0.0.1:${h.port}`,
    },
  );
}

function refusal(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

describe('browser host', () => {
  it('serves the renderer on loopback with a strict CSP and refuses other hosts and path escapes', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(
      (await fetch(`http://127.0.0.1:${host.port}/app.js`)).headers.get('content-type'),
    ).toMatch(/javascript/);
    expect((await fetch(`http://127.0.0.1:${host.port}/../../etc/passwd`)).status).not.toBe(200);
    expect((await fetch(`http://127.0.0.1:${host.port}/missing.js`)).status).toBe(404);
    // fetch may not set Host; a DNS-rebinding page would arrive with its own host name.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, path: '/', headers: { Host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebinding).toBe(421);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]{48}$/);
  });

  it('lets in only our page with this launch\u2019s secret', async () => {
    expect(await refusal(connect(host, { secret: 'wrong' }))).toBe(401);
    expect(await refusal(connect(host, { origin: 'http://evil.example' }))).toBe(403);
    const ok = connect(host);
    expect(await refusal(ok)).toBe(101);
    ok.close();
    expect(host.bridge.rejected).toBe(2);
  });

  it('carries the typed contract: invokes, validation errors, unknown channels, sends and pushes', async () => {
    const ws = connect(host);
    const inbox: BridgeWire[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(d.toString()) as BridgeWire));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'app:initial-state', request: {} }));
    ws.send(
      JSON.stringify({ kind: 'invoke', id: 2, channel: 'endpoints:remove', request: { id: 42 } }),
    );
    ws.send(JSON.stringify({ kind: 'invoke', id: 3, channel: 'fs:read', request: {} }));
    ws.send('not json');
    ws.send(
      JSON.stringify({
        kind: 'send',
        channel: 'notifications:pause',
        payload: { until: 4_102_444_800_000 },
      }),
    );
    await waitFor(
      () =>
        inbox.filter((m) => m.kind === 'result').length === 3 &&
        inbox.some((m) => m.kind === 'push'),
    );
    const results = new Map(
      inbox.filter((m) => m.kind === 'result').map((m) => [m.kind === 'result' ? m.id : 0, m]),
    );
    expect(results.get(1)).toMatchObject({
      ok: true,
      value: { endpoints: [], host: { kind: 'browser' } },
    });
    expect(results.get(2)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Invalid request: id/),
    });
    expect(results.get(3)).toMatchObject({ ok: false, error: 'Unknown request "fs:read".' });
    expect(inbox.find((m) => m.kind === 'push')).toMatchObject({
      channel: 'prefs:changed',
      payload: { pausedUntil: 4_102_444_800_000 },
    });
    expect(host.core.trayModel().notificationsPaused).toBe(true);
    ws.close();
  });

  it('answers hostile request lines with a 4xx on the page and bridge paths and keeps serving', async () => {
    const recorder = recordProcessFaults();
    try {
      const host$ = `Host: 127.0.0.1:${host.port}`;
      const origin = `Origin: http://127.0.0.1:${host.port}`;
      const page: ReadonlyArray<[string, number]> = [
        ['GET / HTTP/1.1', 200],
        ['GET // HTTP/1.1', 404],
        ['GET /\\ HTTP/1.1', 400],
        ['GET /% HTTP/1.1', 400],
        ['GET /%E0%A4%A HTTP/1.1', 400],
        ['GET /%00 HTTP/1.1', 400],
        ['GET /..%2f..%2fetc%2fpasswd HTTP/1.1', 403],
        ['GET /%5c..%5c..%5cetc%5cpasswd HTTP/1.1', 400],
        ['GET /app.js%00.html HTTP/1.1', 400],
        ['GET * HTTP/1.1', 400],
        ['GET http:// HTTP/1.1', 400],
        [`GET http://127.0.0.1:${host.port}/app.js HTTP/1.1`, 200],
        ['GET http://evil.example/app.js HTTP/1.1', 421],
        ['OPTIONS / HTTP/1.1', 405],
        ['CONNECT 127.0.0.1:1 HTTP/1.1', 405],
      ];
      for (const [line, status] of page) {
        const answer = await rawRequest(host.port, requestHead(line, [host$, 'Connection: close']));
        expect(answer.status, line).toBe(status);
      }
      const protocol = `Sec-WebSocket-Protocol: lookout.${secretOf(host)}`;
      const bridge: ReadonlyArray<[string, number]> = [
        ['GET // HTTP/1.1', 404],
        ['GET /\\ HTTP/1.1', 404],
        ['GET /% HTTP/1.1', 404],
        ['GET * HTTP/1.1', 400],
        ['GET http:// HTTP/1.1', 400],
        ['GET http://evil.example/bridge HTTP/1.1', 421],
        ['POST /bridge HTTP/1.1', 405],
      ];
      for (const [line, status] of bridge) {
        const answer = await rawRequest(
          host.port,
          requestHead(line, [host$, origin, protocol, ...UPGRADE_HEADERS]),
        );
        expect(answer.status, `upgrade ${line}`).toBe(status);
      }
      expect(recorder.faults).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(200);
      const ok = connect(host);
      expect(await refusal(ok)).toBe(101);
      ok.close();
    } finally {
      recorder.stop();
    }
  });
});
