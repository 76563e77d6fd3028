import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/browser-host';
import { createGateway, hashPassword } from '../../../gateway/src';
import type { EndpointInput } from '../../../shared/config/endpoint';
import { waitFor } from '../../support/wait';
import { makeTestPki, type TestPki } from './certificates';
import { startTinyproxy, type TestProxy } from './tinyproxy';
import { startTlsTerminator } from './tls-terminator';

const PASSWORD = 'gw-Opaque-Secret-42';
const PROXY_PASSWORD = 'Corp-Proxy-Opaque-99';

let pki: TestPki;
let proxy: TestProxy;
let host: BrowserHost;
let gatewayHttps = '';
let dir = '';
const cleanups: Array<() => Promise<void>> = [];

function endpoint(id: string, extra: Partial<EndpointInput>): EndpointInput {
  return {
    id,
    name: id,
    dialect: 'lookout',
    url: `${gatewayHttps.replace('https:', 'wss:')}/ws`,
    auth: {
      method: 'password-jwt',
      username: 'ops@corp.test',
      credentialRef: `${id}-login`,
      loginUrl: `${gatewayHttps}/auth/login`,
      refreshUrl: `${gatewayHttps}/auth/refresh`,
    },
    subscriptions: ['dashboard'],
    ...extra,
  };
}

async function diagnosticsOf(id: string) {
  return (await host.core.invoke('connection:snapshot', {})).find((d) => d.endpoint === id);
}

beforeAll(async () => {
  pki = makeTestPki();
  cleanups.push(async () => pki.dispose());
  proxy = await startTinyproxy({ user: 'corp-user', password: PROXY_PASSWORD });
  cleanups.push(() => proxy.stop());
  const gateway = createGateway({
    port: 0,
    secret: 'corpnet-test-secret-0123456789-abcdefghij',
    users: [
      {
        username: 'ops@corp.test',
        sub: 'ops@corp.test',
        role: 'super_admin',
        passwordHash: await hashPassword(PASSWORD),
      },
    ],
  });
  const address = await gateway.start();
  cleanups.push(() => gateway.stop());
  const terminator = await startTlsTerminator(pki.good, Number(new URL(address.url).port));
  cleanups.push(() => terminator.close());
  gatewayHttps = `https://127.0.0.1:${terminator.port}`;
  dir = await mkdtemp(join(tmpdir(), 'lookout-corpnet-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
  host = await startBrowserHost({
    rendererDir: dir,
    dataDir: join(dir, 'data'),
    embedded: false,
    // The environment a user behind the proxy has; never this machine's own.
    env: { HTTPS_PROXY: proxy.url, NO_PROXY: '<-loopback>' },
  });
  cleanups.push(() => host.stop());
});

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('the browser host behind an authenticating proxy, to a gateway with a private CA', () => {
  it('signs in and connects through HTTPS_PROXY with the proxy password from the credential store and the CA file', async () => {
    const saved = await host.core.invoke('endpoints:save', {
      endpoint: endpoint('corp', {
        proxyAuth: { username: 'corp-user', credentialRef: 'corp-proxy' },
        tls: { caFile: pki.caFile },
      }),
      secret: PASSWORD,
      proxySecret: PROXY_PASSWORD,
    });
    expect(saved).toEqual({ ok: true });
    await waitFor(
      async () => (await diagnosticsOf('corp'))?.channels.some((c) => c.acknowledged) === true,
      { timeoutMs: 20_000, what: 'the dashboard subscription through the proxy' },
    );
    // Sign-in (HTTPS) and the WebSocket (WSS) both went through the proxy.
    const connects = await proxy.connects();
    expect(
      connects.filter((l) => l.includes(`127.0.0.1:${new URL(gatewayHttps).port}`)).length,
    ).toBeGreaterThanOrEqual(2);
    const attempt = (await diagnosticsOf('corp'))?.attempts.at(-1);
    expect(attempt?.transport?.route).toMatchObject({
      via: proxy.url,
      source: 'environment',
      proxyAuth: 'corp-proxy',
    });
    expect(attempt?.transport?.tls?.chain[0]?.issuer).toBe(
      'CN=Lookout Test Corp Root CA, O=Lookout Tests',
    );
  });

  it('without the CA file the attempt says "unknown authority" with the certificate, and the bundle records route and chain without secrets', async () => {
    await host.core.invoke('endpoints:save', {
      endpoint: endpoint('noca', {
        proxyAuth: { username: 'corp-user', credentialRef: 'corp-proxy' },
      }),
      secret: PASSWORD,
    });
    const outcome = await waitFor(
      async () => (await diagnosticsOf('noca'))?.lastOutcome ?? undefined,
      { timeoutMs: 20_000, what: 'the failed attempt' },
    );
    expect(outcome.error).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(outcome.meaning).toMatch(
      /^Unknown certificate authority: The server’s certificate was issued by CN=Lookout Test Corp Root CA/,
    );
    expect(outcome.meaning).toContain(pki.good.fingerprint256);
    expect(outcome.advice).toContain('CA file');

    const { json } = await host.core.invoke('diagnostics:bundle', {});
    const bundle = JSON.parse(json) as {
      network: {
        proxySource: string;
        endpoints: Array<{
          endpoint: string;
          route: unknown;
          tls?: { chain: Array<{ fingerprint256: string }> };
        }>;
      };
    };
    expect(bundle.network.proxySource).toContain('HTTPS_PROXY');
    const corp = bundle.network.endpoints.find((e) => e.endpoint === 'corp');
    expect(corp?.route).toMatchObject({ via: proxy.url, source: 'environment' });
    expect(corp?.tls?.chain[0]?.fingerprint256).toBe(pki.good.fingerprint256);
    expect(json).not.toContain(PROXY_PASSWORD);
    expect(json).not.toContain(Buffer.from(`corp-user:${PROXY_PASSWORD}`).toString('base64'));
    expect(json).not.toContain(PASSWORD);
    // Nor in any file the host wrote (endpoints.json, logs, state).
    const data = join(dir, 'data');
    const files = await readdir(data, { recursive: true });
    for (const f of files) {
      const text = await readFile(join(data, f), 'utf8').catch(() => '');
      expect(text, f).not.toContain(PROXY_PASSWORD);
    }
  });
});

describe('the connection check walks the proxy and the certificate', () => {
  const stepsOf = (report: { steps: Array<{ id: string; status: string; detail: string }> }) =>
    Object.fromEntries(report.steps.map((s) => [s.id, s]));

  it('passes through the proxy: DNS and TCP name the proxy, the tunnel and the accepted certificate are said', async () => {
    const report = await host.core.invoke('endpoints:test', {
      endpoint: endpoint('check-ok', {
        proxyAuth: { username: 'corp-user', credentialRef: 'check-ok-proxy' },
        tls: { caFile: pki.caFile },
      }),
      secret: PASSWORD,
      proxySecret: PROXY_PASSWORD,
    });
    const steps = stepsOf(report);
    expect(steps.tcp).toMatchObject({ status: 'ok' });
    expect(steps.tcp?.detail).toContain(`the proxy ${proxy.url}: 127.0.0.1:${proxy.port}`);
    expect(steps.proxy?.detail).toContain(`${proxy.url} opened a tunnel to 127.0.0.1:`);
    expect(steps.tls).toMatchObject({ status: 'ok' });
    expect(steps.tls?.detail).toContain('issuer CN=Lookout Test Corp Root CA, O=Lookout Tests');
    expect(steps.upgrade).toMatchObject({ status: 'ok' });
    expect(steps.auth).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(report)).not.toContain(PROXY_PASSWORD);
  });

  it('stops at TLS without the CA file, and at the proxy with a wrong proxy password', async () => {
    const noCa = stepsOf(
      await host.core.invoke('endpoints:test', {
        endpoint: endpoint('check-noca', {
          proxyAuth: { username: 'corp-user', credentialRef: 'check-noca-proxy' },
        }),
        secret: PASSWORD,
        proxySecret: PROXY_PASSWORD,
      }),
    );
    expect(noCa.proxy).toMatchObject({ status: 'ok' });
    expect(noCa.tls).toMatchObject({ status: 'failed' });
    expect(noCa.tls?.detail).toMatch(/^Unknown certificate authority: /);
    expect(noCa.tls?.detail).toContain(pki.good.fingerprint256);
    expect(noCa.upgrade).toMatchObject({ status: 'skipped' });

    const wrong = stepsOf(
      await host.core.invoke('endpoints:test', {
        endpoint: endpoint('check-407', {
          proxyAuth: { username: 'corp-user', credentialRef: 'check-407-proxy' },
          tls: { caFile: pki.caFile },
        }),
        secret: PASSWORD,
        proxySecret: 'not-the-password',
      }),
    );
    expect(wrong.proxy).toMatchObject({ status: 'failed' });
    expect(wrong.proxy?.detail).toMatch(/^Proxy needs authentication \(407\): /);
    expect(wrong.tls).toMatchObject({ status: 'skipped' });
  });
});
