import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import { startEmbeddedGateway } from '../../../electron/host-common/embedded-gateway';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { PushChannel } from '../../../shared/ipc/contract';
import { parseSessionExport } from '../../../shared/model/session-export';
import { DEMO_PASSWORD } from '../../../gateway/src';
import type { Clock } from '../../../electron/core/kernel/ports';
import { jumpingClock } from '../../support/jumping-clock';
import { WsTestServer } from '../../support/ws-test-server';
import { waitFor } from '../../support/wait';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function core(clock?: Clock) {
  const dataDir = await mkdtemp(join(tmpdir(), 'lookout-core-'));
  const notifier = new MemoryNotifier();
  const pushes: Array<{ channel: PushChannel; payload: unknown }> = [];
  // The embedded gateway's password is made per launch: keep it to look for it in what is written.
  const passwords: string[] = [DEMO_PASSWORD];
  const c = new LookoutCore({
    dataDir,
    notifier,
    embeddedGateway: async () => {
      const gw = await startEmbeddedGateway();
      passwords.push(gw.password);
      return gw;
    },
    appVersion: '0.0.0-test',
    hostKind: 'browser',
    ...(clock ? { clock } : {}),
  });
  c.onPush((channel, payload) => pushes.push({ channel, payload }));
  cleanups.push(async () => {
    await c.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await c.start();
  return { core: c, dataDir, notifier, pushes, passwords };
}

describe('LookoutCore on the embedded demo gateway', () => {
  it('shows live data out of the box: signs in, subscribes, fills the model, pushes batched patches', async () => {
    const { core: c, pushes } = await core();
    await waitFor(async () => (await c.invoke('connection:snapshot', {}))[0]?.state === 'open', {
      timeoutMs: 10_000,
    });
    await waitFor(() => pushes.filter((p) => p.channel === 'app:patch').length >= 2, {
      timeoutMs: 10_000,
    });
    const initial = await c.invoke('app:initial-state', {});
    expect(initial.endpoints).toEqual([
      expect.objectContaining({
        id: 'demo',
        dialect: 'lookout',
        hasSecret: true,
        auth: 'password → JWT as admin@lookout.local',
      }),
    ]);
    await waitFor(
      async () => {
        const s = (await c.invoke('app:initial-state', {})).app;
        return (
          s.endpoints.demo?.stats !== null &&
          s.endpoints.demo?.stats !== undefined &&
          s.businesses.length > 0
        );
      },
      { timeoutMs: 15_000 },
    );
    expect(initial.host).toMatchObject({ kind: 'browser', secretsPersistent: false });
    expect(c.trayModel().health).toBe('ok');
  });

  it('keeps secrets out of the support bundle and the files it writes', async () => {
    const { core: c, dataDir, passwords } = await core();
    expect(passwords).toHaveLength(2);
    await waitFor(async () => (await c.invoke('connection:snapshot', {}))[0]?.state === 'open', {
      timeoutMs: 10_000,
    });
    await c.invoke('diagnostics:probe', { endpoint: 'demo' });
    const { json } = await c.invoke('diagnostics:bundle', {});
    const bundle = JSON.parse(json) as {
      connections: unknown[];
      probes: Array<{ status: string }>;
    };
    expect(bundle.connections).toHaveLength(1);
    expect(bundle.probes.length).toBeGreaterThan(0);
    // The end of the log file rides along (whole JSON lines, redacted).
    const excerpt = (bundle as { logExcerpt?: { bytes: number; lines: string } }).logExcerpt;
    expect(excerpt?.lines).toContain('lookout core started');
    expect(excerpt?.bytes).toBeLessThanOrEqual(64 * 1024);
    for (const line of excerpt!.lines.trim().split('\n'))
      expect(() => JSON.parse(line)).not.toThrow();
    // Saved as a file: the browser host has no dialog, so the page gets it to download.
    const saved = await c.invoke('diagnostics:export', { what: 'bundle' });
    expect(saved).toMatchObject({
      how: 'download',
      fileName: expect.stringMatching(
        /^lookout-support-bundle-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/,
      ),
      mime: 'application/json',
    });
    // One endpoint's session as JSON lines that the app reads back.
    const session = await c.invoke('diagnostics:export', { what: 'session', endpoint: 'demo' });
    if (session.how !== 'download') throw new Error('expected a download');
    const parsed = parseSessionExport(session.text);
    expect(parsed.ok && parsed.session.header.endpoint).toBe('demo');
    expect(parsed.ok && parsed.session.frames.length).toBeGreaterThan(0);
    await expect(
      c.invoke('diagnostics:export', { what: 'session', endpoint: 'nope' }),
    ).rejects.toThrow(/No connection named “nope” is running/);
    for (const text of [saved.how === 'download' ? saved.text : '', session.text])
      for (const password of passwords) expect(text).not.toContain(password);
    for (const password of passwords) expect(json).not.toContain(password);
    expect(json).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    await c.stop();
    for (const name of await readdir(dataDir)) {
      if (name === 'logs') continue;
      const text = await readFile(join(dataDir, name), 'utf8');
      for (const password of passwords) expect(text).not.toContain(password);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
  });

  it('runs the connection check and explains each step', async () => {
    const { core: c } = await core();
    const report = await c.invoke('diagnostics:check', { endpoint: 'demo' });
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['dns', 'ok'],
      ['tcp', 'ok'],
      ['proxy', 'ok'],
      ['tls', 'skipped'],
      ['upgrade', 'ok'],
      ['auth', 'ok'],
      ['subscribe', 'ok'],
      ['round-trip', 'ok'],
      ['delivery', 'ok'],
    ]);
    // The embedded gateway is in this process: never through a proxy, whatever the system says.
    expect(report.steps.find((s) => s.id === 'proxy')?.detail).toBe(
      'No proxy: this endpoint’s proxy is "direct".',
    );
    expect(report.summary).toMatch(/^All checks passed/);
  });

  it("runs the connection check on the core's own clock (the IPC handlers pass it)", async () => {
    // Ten minutes behind the wall clock: a check timed by the system clock would show it.
    const clock = jumpingClock();
    clock.jump(-600_000);
    const { core: c } = await core(clock);
    const before = clock.now();
    const report = await c.invoke('diagnostics:check', { endpoint: 'demo' });
    expect(report.startedAt).toBeGreaterThanOrEqual(before);
    expect(report.startedAt).toBeLessThanOrEqual(clock.now());
    // The endpoint editor's "Test" (a refused port: the check stops at TCP) too.
    const tested = await c.invoke('endpoints:test', {
      endpoint: { id: 'x', name: 'X', dialect: 'lookout', url: 'ws://127.0.0.1:1/ws' },
    });
    expect(tested.ok).toBe(false);
    expect(tested.startedAt).toBeLessThanOrEqual(clock.now());
    expect(tested.startedAt).toBeLessThan(Date.now() - 500_000);
  });

  it("replaces the demo with the first real endpoint, persists it, and explains a refusal in the backend's terms", async () => {
    const { core: c, dataDir, pushes } = await core();
    const server = await new WsTestServer({ onUpgrade: () => ({ status: 403 }) }).start();
    cleanups.push(() => server.stop());
    const saved = await c.invoke('endpoints:save', {
      endpoint: { id: 'prod', name: 'Production', dialect: 'task-status', url: server.url },
    });
    expect(saved).toEqual({ ok: true });
    const file = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
      endpoints: Array<{ id: string }>;
    };
    expect(file.endpoints.map((e) => e.id)).toEqual(['prod']);
    await waitFor(
      async () =>
        (await c.invoke('connection:snapshot', {})).find((d) => d.endpoint === 'prod')?.state ===
        'stopped',
    );
    const [diag] = await c.invoke('connection:snapshot', {});
    expect(diag?.endpoint).toBe('prod');
    // task-status has no auth: its 403 means a wrong path, so the session stops and says so.
    expect(diag?.lastOutcome).toMatchObject({ handshakeStatus: 403, action: 'stop' });
    expect(diag?.lastOutcome?.meaning).toMatch(/Wrong path/);
    expect(pushes.some((p) => p.channel === 'endpoints:changed')).toBe(true);
    expect(c.trayModel().health).toBe('disconnected');
    const check = await c.invoke('diagnostics:check', { endpoint: 'prod' });
    expect(check.ok).toBe(false);
    expect(check.steps.find((s) => s.id === 'upgrade')).toMatchObject({ status: 'failed' });
    expect(check.summary).toMatch(/Fails at upgrade: HTTP 403/);
  });

  it('turns failing OS notifications into a visible warning, and clears it when they work again', async () => {
    const { core: c, notifier, pushes } = await core();
    notifier.failWith =
      'No desktop notification service is running: install and start one such as dunst.';
    await waitFor(() => pushes.some((p) => p.channel === 'notifications:health'), {
      timeoutMs: 15_000,
    });
    expect(pushes.find((p) => p.channel === 'notifications:health')?.payload).toMatchObject({
      ok: false,
      notifier: 'memory',
      error: expect.stringMatching(/dunst/),
    });
    expect((await c.invoke('app:initial-state', {})).notificationHealth.ok).toBe(false);
    notifier.failWith = null;
    await waitFor(() => pushes.filter((p) => p.channel === 'notifications:health').length === 2, {
      timeoutMs: 15_000,
    });
    expect(
      pushes.filter((p) => p.channel === 'notifications:health').at(-1)?.payload,
    ).toMatchObject({ ok: true, error: null });
  });

  it('rejects invalid requests with the field that is wrong', async () => {
    const { core: c } = await core();
    await expect(
      c.invoke('endpoints:save', {
        endpoint: { id: 'Bad Id', name: 'x', dialect: 'lookout', url: 'http://x' },
      } as never),
    ).rejects.toThrow(/endpoint/);
  });
});
