import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../electron/core/app/lookout-core';
import type { Logger } from '../../electron/core/connection/ports';
import { MemoryNotifier } from '../../electron/core/notify/notifier.memory';
import type { SecretCipher } from '../../electron/core/state/credential-store';
import { createGateway, hashPassword, type Gateway, type GatewayLogger } from '../../gateway/src';
import { SecretPlantingPeer } from '../support/secret-planting-peer';
import { waitFor } from '../support/wait';

/**
 * Plant known secrets everywhere Lookout touches them (a password in the credential store, JWTs
 * issued and refreshed mid-session, a `?token=` query token, a Django `sessionid` and `csrftoken`,
 * frames that echo them back) and search every output for them: diagnostics and the frame log,
 * the support bundle, every push to the renderer, connection checks, every file in the data
 * directory (state, settings, endpoints, encrypted secrets, the log files), the host logger, and
 * the gateway's own log.
 */

const SECRET = 'secrets-test-gateway-secret-0123456789abcdef';
const PASSWORD = 'Planted-Pa55word-7c1e9f';
const SESSION_ID = 'plantedsession8d2c4b1e0a9f7d6c5b4a3e2d';
const CSRF = 'plantedcsrf5e4d3c2b1a0f9e8d7c6b5a4';
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** A real cipher (AES-256-GCM, key in memory) standing in for the OS keychain. */
function testCipher(): SecretCipher {
  const key = randomBytes(32);
  return {
    backend: 'test-aes-gcm',
    isAvailable: () => true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** Every line a logger was given, as text. */
function capturingLogger(): Logger & GatewayLogger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('no secret leaves Lookout', () => {
  it('plants a password, JWTs, a query token and a session cookie, then finds none in any output', async () => {
    const gatewayLog = capturingLogger();
    const gateway: Gateway = createGateway({
      port: 0,
      secret: SECRET,
      // Short-lived access tokens: 4001 mid-session and a refresh happen during the test.
      accessTtlSec: 2,
      users: [
        {
          username: 'support@acme.test',
          sub: 'support@acme.test',
          role: 'super_admin',
          passwordHash: await hashPassword(PASSWORD),
        },
      ],
      logger: gatewayLog,
    });
    const address = await gateway.start();
    cleanups.push(() => gateway.stop());
    const queryToken = (
      await gateway.issueTokens({ sub: 'support@acme.test', role: 'super_admin' })
    ).access;
    const peer = await new SecretPlantingPeer({
      password: PASSWORD,
      csrf: CSRF,
      sessionId: SESSION_ID,
    }).start();
    cleanups.push(() => peer.stop());

    const dataDir = await mkdtemp(join(tmpdir(), 'lookout-secrets-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const hostLog = capturingLogger();
    const pushes: string[] = [];
    const core = new LookoutCore({
      dataDir,
      notifier: new MemoryNotifier(),
      appVersion: '0.0.0-test',
      hostKind: 'browser',
      secretCipher: testCipher(),
      logger: hostLog,
    });
    core.onPush((channel, payload) => pushes.push(`${channel} ${JSON.stringify(payload)}`));
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await core.stop();
    });
    await core.start();
    core.send('diagnostics:live', { on: true });

    const fast = { minMs: 50, maxMs: 500, factor: 2, stableAfterMs: 5_000 };
    const saves = [
      core.invoke('endpoints:save', {
        endpoint: {
          id: 'gw-password',
          name: 'Gateway (password)',
          dialect: 'lookout',
          url: address.wsUrl,
          auth: {
            method: 'password-jwt',
            username: 'support@acme.test',
            credentialRef: 'gw-password',
            loginUrl: `${address.url}/auth/login`,
            refreshUrl: `${address.url}/auth/refresh`,
          },
          subscriptions: ['dashboard'],
          backoff: fast,
        },
        secret: PASSWORD,
      }),
      core.invoke('endpoints:save', {
        endpoint: {
          id: 'gw-query',
          name: 'Gateway (query token)',
          dialect: 'lookout',
          url: address.wsUrl,
          auth: { method: 'token', credentialRef: 'gw-query', send: 'query' },
          subscriptions: ['dashboard'],
          backoff: fast,
        },
        secret: queryToken,
      }),
      core.invoke('endpoints:save', {
        endpoint: {
          id: 'django',
          name: 'Django admin',
          dialect: 'django-channels',
          url: peer.wsUrl,
          auth: {
            method: 'django-session',
            username: 'support@acme.test',
            credentialRef: 'django',
            loginUrl: peer.loginUrl,
          },
          backoff: fast,
        },
        secret: PASSWORD,
      }),
    ];
    for (const saved of saves) expect(await saved).toEqual({ ok: true });

    const snapshot = () => core.invoke('connection:snapshot', {});
    await waitFor(
      async () => {
        const diags = await snapshot();
        return diags.length === 3 && diags.every((d) => d.state === 'open');
      },
      { timeoutMs: 15_000, what: 'three open sessions' },
    );
    await gateway.publish('dashboard', { kind: 'alert', title: 'before expiry' });
    // The 2 s tokens expire: 4001, refresh with the refresh token, reconnect with `?token=` again.
    await waitFor(() => (gateway.metrics.counters.get('close.4001') ?? 0) >= 1, {
      timeoutMs: 10_000,
      what: 'a token expiring mid-session',
    });
    await waitFor(() => (gateway.metrics.counters.get('http.POST /auth/refresh') ?? 0) >= 1, {
      timeoutMs: 10_000,
      what: 'a refresh',
    });
    await waitFor(
      async () => (await snapshot()).find((d) => d.endpoint === 'gw-password')?.state === 'open',
      { timeoutMs: 10_000, what: 'the refreshed session' },
    );
    await gateway.publish('dashboard', { kind: 'alert', title: 'after refresh' });
    await waitFor(
      async () =>
        (await core.invoke('app:initial-state', {})).app.notifications.some(
          (n) => n.title === 'after refresh',
        ),
      { timeoutMs: 10_000, what: 'the event after the refresh' },
    );
    const django = (await snapshot()).find((d) => d.endpoint === 'django');
    expect(django?.counters.rejectedFrames).toBeGreaterThanOrEqual(2);

    // Everything a person or a support ticket can see.
    const outputs: Array<[string, string]> = [];
    outputs.push(['connection:snapshot', JSON.stringify(await snapshot())]);
    outputs.push(['diagnostics:bundle', (await core.invoke('diagnostics:bundle', {})).json]);
    outputs.push(['app:initial-state', JSON.stringify(await core.invoke('app:initial-state', {}))]);
    outputs.push(['endpoints:list', JSON.stringify(await core.invoke('endpoints:list', {}))]);
    for (const id of ['gw-password', 'gw-query', 'django']) {
      outputs.push([
        `diagnostics:check ${id}`,
        JSON.stringify(await core.invoke('diagnostics:check', { endpoint: id })),
      ]);
      outputs.push([
        `endpoints:get ${id}`,
        JSON.stringify(await core.invoke('endpoints:get', { id })),
      ]);
    }
    outputs.push([
      'endpoints:test (secret typed in)',
      JSON.stringify(
        await core.invoke('endpoints:test', {
          endpoint: {
            id: 'typed',
            name: 'Typed',
            dialect: 'lookout',
            url: address.wsUrl,
            auth: { method: 'token', credentialRef: 'typed', send: 'query' },
          },
          secret: queryToken,
        }),
      ),
    ]);
    core.send('diagnostics:live', { on: false });
    await core.stop();
    stopped = true;
    outputs.push(['pushes to the renderer', pushes.join('\n')]);
    outputs.push(['host logger', hostLog.lines.join('\n')]);
    outputs.push(['gateway logger', gatewayLog.lines.join('\n')]);
    const files = await filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['endpoints.json', 'logs/lookout.log', 'secrets.json', 'state.json']),
    );
    for (const file of files)
      outputs.push([file.slice(dataDir.length + 1), await readFile(file, 'utf8')]);

    const planted: Array<[string, string]> = [
      ['password', PASSWORD],
      ['query token', queryToken],
      ['sessionid', SESSION_ID],
      ['csrftoken', CSRF],
      ['gateway secret', SECRET],
    ];
    let searched = 0;
    for (const [where, text] of outputs) {
      expect(text.length, `${where} is empty`).toBeGreaterThan(0);
      for (const [what, secret] of planted) {
        expect(text.includes(secret), `${what} found in ${where}`).toBe(false);
        searched++;
      }
      // Tokens obtained at run time (sign-in, refresh) are unknown here: no JWT at all may appear.
      expect(JWT_SHAPE.test(text), `a JWT found in ${where}`).toBe(false);
    }
    // The outputs are real: the log and the frame log recorded the session and its rejections.
    const log = outputs.find(([w]) => w === 'logs/lookout.log')?.[1] ?? '';
    expect(log).toMatch(/connection state/);
    expect(outputs.find(([w]) => w === 'connection:snapshot')?.[1]).toMatch(/\[redacted\]/);
    expect(searched).toBeGreaterThan(50);
    // Positive controls: the secrets really travelled (so their absence above means redaction).
    expect(peer.upgrades.some((u) => (u.headers.cookie ?? '').includes(SESSION_ID))).toBe(true);
    expect(gateway.metrics.counters.get('http.POST /auth/login') ?? 0).toBeGreaterThanOrEqual(1);
    expect(gateway.metrics.counters.get('connections.accepted') ?? 0).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
