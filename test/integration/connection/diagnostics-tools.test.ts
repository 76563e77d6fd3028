import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../electron/core/connection/session';
import { Redactor } from '../../../electron/core/kernel/redact';
import { testDialect } from '../../support/test-dialect';
import { testEndpoint } from '../../support/endpoint';
import { WsTestServer } from '../../support/ws-test-server';
import { waitFor } from '../../support/wait';

/**
 * The support engineer's tools on a real connection: the byte-bounded frame log across
 * reconnects, the inspector's detail, control rows, the handshake record of a refusal, and the
 * support actions (done on an open socket, refused, never queued, otherwise).
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(
  options: ConstructorParameters<typeof WsTestServer>[0] = {},
): Promise<WsTestServer> {
  const s = await new WsTestServer(options).start();
  cleanups.push(() => s.stop());
  return s;
}

/** An opaque secret (not JWT-shaped: only its registration can catch it). */
const TOKEN = 'opaque-7f3Kq9ZxW2mPv';

function session(url: string, extra: Parameters<typeof testEndpoint>[0] = { url }) {
  const redactor = new Redactor();
  const s = new Session({
    endpoint: testEndpoint({ ...extra, url, subscriptions: ['dashboard'] }),
    dialect: testDialect(),
    ports: { redactor, credentials: { getCredentials: async () => ({ token: TOKEN }) } },
  });
  cleanups.push(() => s.stop());
  return s;
}

describe('frame log and inspector on a real connection', () => {
  it('keeps earlier connections across a reconnect, with a close row and what each frame became', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    srv.broadcast({ type: 'event', id: 'e1', title: `Order for ${TOKEN}` });
    srv.broadcast('not json at all');
    await waitFor(() => s.diagnostics().counters.framesIn === 2);
    await srv.kill();
    await waitFor(() => s.state !== 'open');
    await srv.start();
    await waitFor(() => s.state === 'open', { timeoutMs: 10_000 });
    srv.broadcast({ type: 'event', id: 'e2', title: 'Second' });
    await waitFor(() => s.diagnostics().counters.framesIn === 3);

    const page = s.framePage(null);
    // Attempts made while the server was down never opened: the second connection's number is
    // its attempt's, whatever it is.
    const second = page.frames.at(-1)!.conn;
    expect(second).toBeGreaterThan(1);
    const rows = page.frames.map((f) => [f.conn, f.dir, f.kind, f.closeCode ?? null]);
    expect(rows).toEqual([
      [1, 'out', 'text', null],
      [1, 'in', 'text', null],
      [1, 'in', 'text', null],
      [1, 'in', 'close', 1006],
      [second, 'out', 'text', null],
      [second, 'in', 'text', null],
    ]);
    expect(page.connections.map((c) => c.conn)).toEqual([1, second]);
    expect(page.connections[0]?.outcome?.closeCode).toBe(1006);
    expect(page.connections[1]?.endedAt).toBeNull();
    expect(page.usedBytes).toBeGreaterThan(0);
    expect(page.limitBytes).toBe(2 * 1024 * 1024);

    const event = s.frameDetail(page.frames[1]!.id)!;
    expect(event.decode.map((l) => l.text).join('\n')).toMatch(/Event .* channel test, id e1\./);
    // The whole payload, redacted: the opaque token was registered when it was fetched.
    expect(event.payload).toContain('[redacted]');
    expect(event.payload).not.toContain(TOKEN);
    expect(JSON.parse(event.payload)).toMatchObject({ type: 'event', id: 'e1' });
    expect(event.sinceOpenMs).toBeGreaterThanOrEqual(0);
    expect(event.truncated).toBe(false);

    const garbage = s.frameDetail(page.frames[2]!.id)!;
    expect(garbage.decode[0]).toMatchObject({
      tone: 'bad',
      text: expect.stringMatching(/Rejected: non-json/),
    });

    const close = s.frameDetail(page.frames[3]!.id)!;
    expect(close.close).toMatchObject({ code: 1006, name: 'Abnormal closure' });

    // Paging after an id returns only newer rows.
    expect(s.framePage(page.frames[3]!.id).frames.map((f) => f.conn)).toEqual([second, second]);
    // A frame that was never there is null, not an error.
    expect(s.frameDetail(9_999)).toBeNull();
  });

  it('cuts a huge frame to what the inspector shows and says so', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    srv.broadcast({ type: 'event', id: 'big', title: 'x'.repeat(200_000) });
    await waitFor(() => s.diagnostics().counters.framesIn === 1);
    const page = s.framePage(null);
    const big = s.frameDetail(page.frames.at(-1)!.id)!;
    expect(big.truncated).toBe(true);
    expect(big.payload.length).toBe(64 * 1024);
    expect(big.length).toBeGreaterThan(200_000);
    // The log charged only what it kept.
    expect(page.usedBytes).toBeLessThan(80 * 1024);
  });
});

describe('support actions', () => {
  it('ping now answers with the round-trip time, as a pong row and in the journal', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    const result = await s.act('ping');
    expect(result).toMatchObject({ ok: true, rttMs: expect.any(Number) });
    const rows = s.framePage(null).frames;
    const pong = rows.find((f) => f.kind === 'pong');
    expect(pong).toMatchObject({ dir: 'in', manual: true, rttMs: result.ok ? result.rttMs : -1 });
    expect(rows.find((f) => f.kind === 'ping')).toMatchObject({ dir: 'out', manual: true });
    expect(s.diagnostics().actions).toEqual([
      expect.objectContaining({
        action: 'ping',
        ok: true,
        detail: expect.stringMatching(/^Pong after \d+ ms\.$/),
      }),
    ]);
  });

  it('ping now says so when no pong comes', async () => {
    const srv = await server({ autoPong: false });
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    const result = await s.act('ping');
    expect(result).toEqual({
      ok: false,
      reason: 'No pong within 5.0 s: the server or the network path is not answering.',
    });
  }, 15_000);

  it('sends one raw frame on an open socket, marked as sent by hand', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    await waitFor(() => srv.received.length === 1);
    const result = await s.act('send', '{"type":"custom","n":1}');
    expect(result).toMatchObject({ ok: true });
    await waitFor(() => srv.received.length === 2);
    expect(srv.received[1]?.text).toBe('{"type":"custom","n":1}');
    const sent = s.framePage(null).frames.at(-1);
    expect(sent).toMatchObject({ dir: 'out', manual: true, preview: '{"type":"custom","n":1}' });
  });

  it('re-subscribes on request', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    await waitFor(() => srv.received.length === 1);
    expect(await s.act('resubscribe')).toEqual({
      ok: true,
      detail: 'Sent the subscription again: dashboard.',
    });
    await waitFor(() => srv.received.length === 2);
    expect(srv.messages()[1]).toEqual({ type: 'sub', channel: 'dashboard' });
  });

  it('refuses ping, re-subscribe and send while not open, queues nothing, and journals each refusal', async () => {
    const srv = await server();
    const port = srv.port;
    await srv.stop();
    const s = session(`ws://127.0.0.1:${port}/ws`);
    s.start();
    await waitFor(() => s.state === 'backing-off' || s.state === 'connecting');
    for (const action of ['ping', 'resubscribe', 'send'] as const) {
      const result = await s.act(action, 'hello');
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.reason).toMatch(
          /needs an open connection, and this one is .*: nothing was queued\. Reconnect first/,
        );
    }
    expect(s.diagnostics().actions.map((a) => [a.action, a.ok])).toEqual([
      ['ping', false],
      ['resubscribe', false],
      ['send', false],
    ]);
    // The server comes back: only the subscription arrives, never the refused frame.
    const back = new WsTestServer();
    (back as { port: number }).port = port;
    await back.start();
    cleanups.push(() => back.stop());
    await waitFor(() => s.state === 'open', { timeoutMs: 10_000 });
    await waitFor(() => back.received.length >= 1);
    expect(back.messages()).toEqual([{ type: 'sub', channel: 'dashboard' }]);
  }, 20_000);
});

describe('handshake record', () => {
  it('keeps a refused upgrade’s request (secrets redacted), status, headers and body excerpt', async () => {
    const body = `{"error":"session expired","token":"${TOKEN}"} ${'pad '.repeat(400)}`;
    const srv = await server({ onUpgrade: () => ({ status: 401, body }) });
    const s = session(`${srv.url}?token=${TOKEN}&room=7`);
    s.start();
    await waitFor(() => s.diagnostics().attempts[0]?.outcome !== undefined);
    const h = s.diagnostics().attempts[0]!.handshake!;
    expect(h.request?.method).toBe('GET');
    expect(h.request?.target).toBe('/ws?token=[redacted]&room=7');
    expect(h.request?.headers.authorization).toBe('[redacted]');
    expect(h.request?.headers['sec-websocket-version']).toBe('13');
    expect(h.response).toMatchObject({ status: 401, statusText: 'Rejected', bodyTruncated: true });
    expect(h.response?.headers['x-test']).toBe('1');
    expect(h.response?.body).toMatch(/^\{"error":"session expired","token":"\[redacted\]"\}/);
    expect(h.response?.body?.length).toBeLessThanOrEqual(1_024);
    expect(JSON.stringify(s.diagnostics())).not.toContain(TOKEN);
  });

  it('keeps the accepted upgrade’s 101 with its headers', async () => {
    const srv = await server();
    const s = session(srv.url);
    s.start();
    await waitFor(() => s.state === 'open');
    const h = s.diagnostics().attempts[0]!.handshake!;
    expect(h.response).toMatchObject({ status: 101, statusText: 'Switching Protocols' });
    expect(h.response?.headers.upgrade).toBe('websocket');
    expect(h.request?.headers.authorization).toBe('[redacted]');
  });
});
