import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { TransportFacts } from '../../../shared/model/transport';
import { Network } from '../../../electron/core/transport/network';
import {
  environmentProxyResolver,
  parsePacResult,
  type SystemProxyResolver,
} from '../../../electron/core/transport/proxy-rules';
import { TransportError } from '../../../electron/core/transport/transport-error';
import { makeTestPki, type TestPki } from './certificates';
import { startTinyproxy, type TestProxy } from './tinyproxy';
import { startWss, type TestWss } from './wss-server';

type Settings = Pick<EndpointConfig, 'proxy' | 'proxyAuth' | 'tls'>;

let pki: TestPki;
let proxy: TestProxy;
let authProxy: TestProxy;
const servers: Record<string, TestWss> = {};
const secrets = new Map<string, string>();
const registered: string[] = [];

/** The network of a host whose system settings say `resolver` (direct by default). */
function network(resolver?: SystemProxyResolver): Network {
  return new Network(
    {
      ...(resolver ? { resolveSystemProxy: resolver } : {}),
      // This machine's own *_PROXY and NODE_EXTRA_CA_CERTS never reach these tests.
      env: {},
    },
    async (ref) => secrets.get(ref),
    (secret) => registered.push(secret),
  );
}

/** Open a WebSocket through the endpoint's transport: the hello frame, or the error it failed with. */
async function open(
  url: string,
  settings: Settings,
  net = network(),
): Promise<{ hello?: string; error?: Error; facts: TransportFacts | null }> {
  const agent = net.forEndpoint(settings).agent(5_000);
  const socket = new WebSocket(url, { agent, handshakeTimeout: 5_000 });
  const result = await new Promise<{ hello?: string; error?: Error }>((resolve) => {
    socket.once('message', (data) => resolve({ hello: data.toString() }));
    socket.once('error', (error) => resolve({ error }));
  });
  socket.terminate();
  return { ...result, facts: agent.facts };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startTinyproxy();
  authProxy = await startTinyproxy({ user: 'corp-user', password: 'Pr0xy-Pa55-Opaque' });
  for (const name of ['good', 'expired', 'notYetValid', 'wrongHost', 'selfSigned'] as const)
    servers[name] = await startWss(pki[name]);
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await proxy?.stop();
  await authProxy?.stop();
  pki?.dispose();
});

describe('through a real proxy (tinyproxy) to a wss server with a private CA', () => {
  it('connects through the proxy with the endpoint’s CA file, and records route and chain', async () => {
    const good = servers.good!;
    const r = await open(good.url, { proxy: proxy.url, tls: { caFile: pki.caFile } });
    expect(r.error).toBeUndefined();
    expect(r.hello).toBe('{"type":"hello"}');
    expect(await proxy.connects()).toEqual(
      expect.arrayContaining([expect.stringContaining(`127.0.0.1:${good.port}`)]),
    );
    expect(r.facts?.route).toMatchObject({ via: proxy.url, source: 'endpoint' });
    expect(r.facts?.tls?.trusted).toBe(true);
    expect(r.facts?.tls?.chain[0]).toMatchObject({
      subject: 'CN=localhost, O=Lookout Tests',
      issuer: 'CN=Lookout Test Corp Root CA, O=Lookout Tests',
      fingerprint256: pki.good.fingerprint256,
    });
    expect(r.facts?.tls?.trust.sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/^caFile/)]),
    );
  });

  it('fails without the CA file: unknown authority, with the issuer and fingerprint, and the server never sees the request', async () => {
    const good = servers.good!;
    const before = good.upgrades.length;
    const r = await open(good.url, { proxy: proxy.url });
    expect(r.error).toBeInstanceOf(TransportError);
    const error = r.error as TransportError;
    expect(error.code).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(error.title).toBe('Unknown certificate authority');
    expect(error.message).toContain(
      'issued by CN=Lookout Test Corp Root CA, O=Lookout Tests, an authority this computer does not trust',
    );
    expect(error.message).toContain(`SHA-256 ${pki.good.fingerprint256}`);
    expect(error.advice).toContain('CA file');
    expect(good.upgrades.length).toBe(before);
  });

  it('says an expired certificate expired, and when', async () => {
    const r = await open(servers.expired!.url, { tls: { caFile: pki.caFile } });
    const error = r.error as TransportError;
    expect(error.code).toBe('TLS_EXPIRED');
    const validTo = r.facts?.tls?.chain[0]?.validTo ?? '';
    expect(validTo).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(error.message).toContain(`expired on ${validTo}`);
    expect(Date.parse(validTo.replace(' UTC', 'Z').replace(' ', 'T'))).toBeLessThan(Date.now());
  });

  it('says a certificate that is not yet valid is valid only from its start', async () => {
    const r = await open(servers.notYetValid!.url, { tls: { caFile: pki.caFile } });
    const error = r.error as TransportError;
    expect(error.code).toBe('TLS_NOT_YET_VALID');
    expect(error.message).toContain(`valid only from ${r.facts?.tls?.chain[0]?.validFrom}`);
  });

  it('says a certificate for another host name names that host', async () => {
    const r = await open(servers.wrongHost!.url, { tls: { caFile: pki.caFile } });
    const error = r.error as TransportError;
    expect(error.code).toBe('TLS_WRONG_HOST');
    expect(error.message).toContain(
      'We asked for 127.0.0.1, but the certificate is for DNS:wrong.example.test',
    );
  });

  it('says a self-signed certificate is self-signed; a pinned fingerprint (discouraged) accepts exactly that one', async () => {
    const selfSigned = servers.selfSigned!;
    const refused = await open(selfSigned.url, {});
    expect((refused.error as TransportError).code).toBe('TLS_SELF_SIGNED');
    expect(refused.error?.message).toContain(
      'subject and issuer are both CN=self-signed.lookout.test',
    );
    const pinned = await open(selfSigned.url, {
      tls: {
        pinnedCertificateSha256: pki.selfSigned.fingerprint256.replace(/:/g, '').toLowerCase(),
      },
    });
    expect(pinned.hello).toBe('{"type":"hello"}');
    expect(pinned.facts?.tls?.trust.pinnedSha256).toBe(pki.selfSigned.fingerprint256);
    const other = await open(selfSigned.url, {
      tls: { pinnedCertificateSha256: pki.good.fingerprint256 },
    });
    expect((other.error as TransportError).code).toBe('TLS_PIN_MISMATCH');
    expect(other.error?.message).toContain(`SHA-256 ${pki.selfSigned.fingerprint256}`);
  });

  it('an unreadable CA file is said, with its path', async () => {
    const r = await open(servers.good!.url, { tls: { caFile: `${pki.dir}/missing.pem` } });
    expect((r.error as TransportError).code).toBe('TLS_CA_FILE_UNREADABLE');
    expect(r.error?.message).toContain(`${pki.dir}/missing.pem: ENOENT`);
  });
});

describe('proxy failures are their own cases', () => {
  it('a proxy that refuses connections', async () => {
    const port = await closedPort();
    const r = await open(servers.good!.url, {
      proxy: `http://127.0.0.1:${port}`,
      tls: { caFile: pki.caFile },
    });
    const error = r.error as TransportError;
    expect(error.code).toBe('PROXY_REFUSED');
    expect(error.message).toContain(`proxy http://127.0.0.1:${port} (set on this endpoint)`);
  });

  it('407 without credentials; the stored proxy password gets through; a wrong one is named', async () => {
    const good = servers.good!;
    const none = await open(good.url, { proxy: authProxy.url, tls: { caFile: pki.caFile } });
    expect((none.error as TransportError).code).toBe('PROXY_AUTH_REQUIRED');
    expect(none.error?.message).toContain('none are set for this endpoint');

    secrets.set('corp-proxy', 'Pr0xy-Pa55-Opaque');
    const ok = await open(good.url, {
      proxy: authProxy.url,
      proxyAuth: { username: 'corp-user', credentialRef: 'corp-proxy' },
      tls: { caFile: pki.caFile },
    });
    expect(ok.hello).toBe('{"type":"hello"}');
    expect(ok.facts?.route.proxyAuth).toBe('corp-proxy');
    expect(registered).toContain('Pr0xy-Pa55-Opaque');
    expect(JSON.stringify(ok.facts)).not.toContain('Pr0xy-Pa55-Opaque');

    secrets.set('corp-proxy', 'wrong-password');
    const wrong = await open(good.url, {
      proxy: authProxy.url,
      proxyAuth: { username: 'corp-user', credentialRef: 'corp-proxy' },
      tls: { caFile: pki.caFile },
    });
    expect((wrong.error as TransportError).code).toBe('PROXY_AUTH_REQUIRED');
    expect(wrong.error?.message).toContain('refused the ones stored as "corp-proxy"');
  });

  it('a proxy that cannot reach the server', async () => {
    const port = await closedPort();
    const r = await open(`wss://127.0.0.1:${port}/ws`, { proxy: proxy.url });
    const error = r.error as TransportError;
    expect(error.code).toBe('PROXY_CANNOT_REACH_HOST');
    expect(error.message).toContain(`could not connect to 127.0.0.1:${port}`);
  });
});

describe('system settings: environment variables and PAC answers', () => {
  it('HTTPS_PROXY sends wss through the proxy (loopback only with <-loopback>); NO_PROXY exempts', async () => {
    const good = servers.good!;
    const before = (await proxy.connects()).length;
    const via = await open(
      good.url,
      { tls: { caFile: pki.caFile } },
      network(environmentProxyResolver({ HTTPS_PROXY: proxy.url, NO_PROXY: '<-loopback>' })),
    );
    expect(via.hello).toBe('{"type":"hello"}');
    expect(via.facts?.route).toMatchObject({
      via: proxy.url,
      source: 'environment',
      why: 'HTTPS_PROXY is set',
    });
    expect((await proxy.connects()).length).toBe(before + 1);

    const exempt = await open(
      good.url,
      { tls: { caFile: pki.caFile } },
      network(
        environmentProxyResolver({ https_proxy: proxy.url, no_proxy: '<-loopback>, 127.0.0.0/8' }),
      ),
    );
    expect(exempt.hello).toBe('{"type":"hello"}');
    expect(exempt.facts?.route).toMatchObject({
      via: 'direct',
      why: 'NO_PROXY matches 127.0.0.0/8',
    });

    const loopback = await open(
      good.url,
      { tls: { caFile: pki.caFile } },
      network(environmentProxyResolver({ HTTPS_PROXY: proxy.url })),
    );
    expect(loopback.facts?.route).toMatchObject({ via: 'direct', source: 'loopback' });
    expect((await proxy.connects()).length).toBe(before + 1);
  });

  it('a PAC list falls back to its next entry when a proxy is down, and says so', async () => {
    const port = await closedPort();
    const pac: SystemProxyResolver = async () => ({
      candidates: parsePacResult(`PROXY 127.0.0.1:${port}; PROXY 127.0.0.1:${proxy.port}; DIRECT`),
      source: 'system',
      why: 'PAC',
    });
    const r = await open(servers.good!.url, { tls: { caFile: pki.caFile } }, network(pac));
    expect(r.hello).toBe('{"type":"hello"}');
    expect(r.facts?.route.via).toBe(proxy.url);
    expect(r.facts?.route.fellBack).toEqual([
      `http://127.0.0.1:${port}: Proxy refused the connection`,
    ]);
  });

  it('proxy "direct" on the endpoint wins over the system settings', async () => {
    const r = await open(
      servers.good!.url,
      { proxy: 'direct', tls: { caFile: pki.caFile } },
      network(
        environmentProxyResolver({ HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '<-loopback>' }),
      ),
    );
    expect(r.hello).toBe('{"type":"hello"}');
    expect(r.facts?.route).toMatchObject({ via: 'direct', source: 'endpoint' });
  });
});

describe('HTTP calls take the same route', () => {
  it('fetch through the proxy with the CA file answers, and records the route', async () => {
    const transport = network().forEndpoint({ proxy: proxy.url, tls: { caFile: pki.caFile } });
    const res = await transport.fetch(`${servers.good!.httpsUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', path: '/health' });
    expect(transport.lastFetchFacts()?.route.via).toBe(proxy.url);
    expect(transport.lastFetchFacts()?.tls?.trusted).toBe(true);
  });

  it('fetch without the CA rejects with the explanation, not "fetch failed"', async () => {
    const transport = network().forEndpoint({ proxy: proxy.url });
    const error = await transport.fetch(`${servers.good!.httpsUrl}/health`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('TLS_UNKNOWN_AUTHORITY');
  });
});
