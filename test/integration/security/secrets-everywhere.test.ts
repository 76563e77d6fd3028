import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import type { Logger } from '../../../electron/core/kernel/ports';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { SecretCipher } from '../../../electron/core/state/credential-store';
import { TestCipher } from '../../support/test-cipher';
import {
  createGateway,
  hashPassword,
  type Gateway,
  type GatewayLogger,
} from '../../../gateway/src';
import { opaqueSecret, SecretPlantingPeer } from '../../support/secret-planting-peer';
import { waitFor } from '../../support/wait';

/**
 * Plant known secrets everywhere Lookout touches them and search every output for any part of
 * them: a password in the credential store, JWTs issued and refreshed mid-session, a `?token=`
 * query token, and opaque (non-JWT) secrets of every kind: a Django `sessionid` and `csrftoken`
 * echoed bare by the server, opaque access and refresh tokens (the refresh token quoted in a server
 * error), a password in URL user-info, `?apikey=` and `?secret=` query parameters, a custom `X-Auth`
 * header, server-only values in JSON fields named `password` and `api_key`, and tokens straddling
 * the frame log's preview boundary. Outputs: diagnostics and the frame log, the support bundle,
 * every push to the renderer, connection checks, the edit form's config, every file in the data
 * directory (state, settings, endpoints, encrypted secrets, the log files), the host logger, and
 * the gateway's own log. Any 10 characters in a row of a secret count as a leak.
 */

const SECRET = 'secrets-test-gateway-secret-0123456789abcdef';
const PASSWORD = opaqueSecret();
const SESSION_ID = opaqueSecret();
const CSRF = opaqueSecret();
const ACCESS = opaqueSecret();
const REFRESH = opaqueSecret();
const URL_PASSWORD = opaqueSecret();
const QUERY_APIKEY = opaqueSecret();
const QUERY_SECRET = opaqueSecret();
const X_AUTH = opaqueSecret();
const SERVER_PASSWORD = opaqueSecret();
const SERVER_API_KEY = opaqueSecret();
const STRADDLING_API_KEY = opaqueSecret();
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
/** A leak is any run of this many characters of a secret. */
const WINDOW = 10;

/** Every `WINDOW`-character piece of each secret, to find partial leaks (a token cut in half). */
function pieces(secrets: Array<[string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [what, secret] of secrets)
    for (let i = 0; i + WINDOW <= secret.length; i++) out.set(secret.slice(i, i + WINDOW), what);
  return out;
}

/** The first piece of a secret found in `text`, as `what: piece`, or null. */
function leakIn(text: string, index: Map<string, string>): string | null {
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const what = index.get(text.slice(i, i + WINDOW));
    if (what) return `${what}: …${text.slice(Math.max(0, i - 40), i + WINDOW + 10)}…`;
  }
  return null;
}

/** A real cipher (AES-256-GCM, key in memory) standing in for the OS keychain. */
function testCipher(): SecretCipher {
  return new TestCipher('test-aes-gcm');
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
  it('plants passwords, JWTs and opaque secrets of every kind, then finds no part of any in any output', async () => {
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
      access: ACCESS,
      refresh: REFRESH,
      serverPassword: SERVER_PASSWORD,
      serverApiKey: SERVER_API_KEY,
      straddlingApiKey: STRADDLING_API_KEY,
      echoed: [URL_PASSWORD, QUERY_APIKEY, QUERY_SECRET, X_AUTH],
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
          // Secrets in the config itself: URL user-info, query parameters, a custom auth header.
          url:
            peer.wsUrl.replace('ws://localhost', `ws://support:${URL_PASSWORD}@localhost`) +
            `?apikey=${QUERY_APIKEY}&secret=${QUERY_SECRET}`,
          headers: { 'X-Auth': X_AUTH },
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
      core.invoke('endpoints:save', {
        endpoint: {
          id: 'django-jwt',
          name: 'Django notifications (opaque tokens)',
          dialect: 'django-channels',
          url: peer.notificationsUrl,
          auth: {
            method: 'password-jwt',
            send: 'query',
            username: 'support@acme.test',
            credentialRef: 'django-jwt',
            loginUrl: `${peer.apiUrl}/auth/login/`,
            refreshUrl: `${peer.apiUrl}/auth/refresh/`,
          },
          headers: { Origin: 'http://localhost' },
          backoff: fast,
        },
        secret: PASSWORD,
      }),
      core.invoke('endpoints:save', {
        endpoint: {
          id: 'chat',
          name: 'Chat (quotes the refresh token in an error)',
          dialect: 'sakura',
          url: peer.sakuraUrl,
          backoff: fast,
        },
      }),
    ];
    for (const saved of saves) expect(await saved).toEqual({ ok: true });

    const snapshot = () => core.invoke('connection:snapshot', {});
    // Each session opened at least once (with 2 s tokens, all five are rarely open at one instant).
    const opened = () =>
      new Set(
        pushes
          .filter((p) => p.startsWith('connection:state ') && p.includes('"to":"open"'))
          .map(
            (p) =>
              (JSON.parse(p.slice('connection:state '.length)) as { endpoint: string }).endpoint,
          ),
      );
    await waitFor(
      () => {
        const open = opened();
        if (open.size === 5) return true;
        // On a timeout, the message names the sessions that did open.
        throw new Error(`opened so far: ${[...open].sort().join(', ') || 'none'}`);
      },
      { timeoutMs: 30_000, what: 'five sessions open' },
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
    await waitFor(
      async () => {
        const diags = await snapshot();
        const django = diags.find((d) => d.endpoint === 'django');
        const chat = diags.find((d) => d.endpoint === 'chat');
        // 4 echoes, the JSON fields, 2 straddling frames, 4 session/CSRF echoes (one not JSON).
        return (
          (django?.counters.rejectedFrames ?? 0) >= 11 && (chat?.serverErrors.length ?? 0) >= 1
        );
      },
      { timeoutMs: 10_000, what: 'the echoing frames and the server error' },
    );

    // Everything a person or a support ticket can see.
    const outputs: Array<[string, string]> = [];
    outputs.push(['connection:snapshot', JSON.stringify(await snapshot())]);
    outputs.push(['diagnostics:bundle', (await core.invoke('diagnostics:bundle', {})).json]);
    outputs.push(['app:initial-state', JSON.stringify(await core.invoke('app:initial-state', {}))]);
    outputs.push(['endpoints:list', JSON.stringify(await core.invoke('endpoints:list', {}))]);
    for (const id of ['gw-password', 'gw-query', 'django', 'django-jwt', 'chat']) {
      outputs.push([
        `diagnostics:check ${id}`,
        JSON.stringify(await core.invoke('diagnostics:check', { endpoint: id })),
      ]);
      outputs.push([
        `endpoints:get ${id}`,
        JSON.stringify(await core.invoke('endpoints:get', { id })),
      ]);
      // The frame log as its view pages it (the live push leaves the rows out).
      outputs.push([
        `diagnostics:frames ${id}`,
        JSON.stringify(await core.invoke('diagnostics:frames', { endpoint: id, after: null })),
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
      ['opaque access token', ACCESS],
      ['opaque refresh token', REFRESH],
      ['URL user-info password', URL_PASSWORD],
      ['?apikey=', QUERY_APIKEY],
      ['?secret=', QUERY_SECRET],
      ['X-Auth header', X_AUTH],
      ['JSON "password" from the server', SERVER_PASSWORD],
      ['JSON "api_key" from the server', SERVER_API_KEY],
      ['api_key across the preview boundary', STRADDLING_API_KEY],
    ];
    const index = pieces(planted);
    // Secrets an admin wrote into the config itself stay where the admin put them (and in its
    // backup), and only there.
    const inConfig = new Set([URL_PASSWORD, QUERY_APIKEY, QUERY_SECRET, X_AUTH]);
    const outsideConfig = pieces(planted.filter(([, secret]) => !inConfig.has(secret)));
    let searched = 0;
    for (const [where, text] of outputs) {
      expect(text.length, `${where} is empty`).toBeGreaterThan(0);
      const searchFor = where.startsWith('endpoints.json') ? outsideConfig : index;
      expect(leakIn(text, searchFor), `a secret found in ${where}`).toBeNull();
      searched += planted.length;
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
    expect(peer.upgrades.some((u) => u.headers['x-auth'] === X_AUTH)).toBe(true);
    expect(peer.upgrades.some((u) => (u.url ?? '').includes(`token=${ACCESS}`))).toBe(true);
    expect(peer.upgrades.some((u) => (u.url ?? '').includes(`apikey=${QUERY_APIKEY}`))).toBe(true);
    expect(peer.requests).toContain('POST /api/auth/login/');
    const config = outputs.find(([w]) => w === 'endpoints.json')?.[1] ?? '';
    for (const secret of inConfig) expect(config).toContain(secret);
    // The frame log kept the straddling frames, cut at the preview boundary.
    const djangoFrames = JSON.parse(
      outputs.find(([w]) => w === 'diagnostics:frames django')?.[1] ?? 'null',
    ) as { frames: Array<{ preview: string }> } | null;
    const jwtFrames = (djangoFrames?.frames ?? [])
      .map((f) => f.preview)
      .filter((p) => p.includes('"pad":"ppp'));
    expect(jwtFrames.length).toBeGreaterThanOrEqual(2);
    for (const preview of jwtFrames) expect(preview.endsWith('…')).toBe(true);
    expect(gateway.metrics.counters.get('http.POST /auth/login') ?? 0).toBeGreaterThanOrEqual(1);
    expect(gateway.metrics.counters.get('connections.accepted') ?? 0).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
