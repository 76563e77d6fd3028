import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { resetFakeElectron, state } from '../../support/fake-electron';
import { makeTestPki, type TestPki } from './certificates';
import { startTinyproxy, type TestProxy } from './tinyproxy';
import { startWss, type TestWss } from './wss-server';

vi.mock('electron', async () => (await import('../../support/fake-electron')).fakeElectronModule);

const { session } = await import('electron');
const { electronNetwork } = await import('../../../electron/desktop/system-proxy.electron');
const { Network } = await import('../../../electron/core/transport/network');
const { TransportError } = await import('../../../electron/core/transport/transport-error');

let pki: TestPki;
let proxy: TestProxy;
let wss: TestWss;

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startTinyproxy();
  wss = await startWss(pki.good);
});
afterAll(async () => {
  await wss?.close();
  await proxy?.stop();
  pki?.dispose();
});
beforeEach(() => resetFakeElectron());

/** The desktop host's network, as `startDesktop` builds it, with an environment of our own. */
function desktopNetwork() {
  return new Network(
    electronNetwork(session.defaultSession, {}),
    async () => undefined,
    () => {},
  );
}

async function open(url: string) {
  const agent = desktopNetwork()
    .forEndpoint({ tls: { caFile: pki.caFile } })
    .agent(5_000);
  const socket = new WebSocket(url, { agent });
  const result = await new Promise<{ hello?: string; error?: Error }>((resolve) => {
    socket.once('message', (data) => resolve({ hello: data.toString() }));
    socket.once('error', (error) => resolve({ error }));
  });
  socket.terminate();
  return { ...result, facts: agent.facts };
}

describe('Electron host: the proxy of each URL comes from session.resolveProxy (system settings, PAC)', () => {
  it('asks for the wss URL’s https twin and goes through the proxy Chromium names', async () => {
    const asked = `https://127.0.0.1:${wss.port}/`;
    state.proxyAnswers.set(asked, `PROXY 127.0.0.1:${proxy.port}; DIRECT`);
    const before = (await proxy.connects()).length;
    const r = await open(wss.url);
    expect(r.hello).toBe('{"type":"hello"}');
    expect(state.proxyQueries).toEqual([asked]);
    expect(r.facts?.route).toMatchObject({
      via: proxy.url,
      source: 'system',
      why: `system settings say "PROXY 127.0.0.1:${proxy.port}; DIRECT"`,
    });
    expect((await proxy.connects()).length).toBe(before + 1);
  });

  it('DIRECT goes straight to the server', async () => {
    const before = (await proxy.connects()).length;
    const r = await open(wss.url);
    expect(r.hello).toBe('{"type":"hello"}');
    expect(r.facts?.route.via).toBe('direct');
    expect((await proxy.connects()).length).toBe(before);
  });

  it('a SOCKS-only answer is named as unsupported, not silently bypassed', async () => {
    state.proxyAnswers.set(`https://127.0.0.1:${wss.port}/`, 'SOCKS5 127.0.0.1:1080');
    const r = await open(wss.url);
    expect(r.error).toBeInstanceOf(TransportError);
    expect((r.error as InstanceType<typeof TransportError>).code).toBe('PROXY_UNSUPPORTED');
    expect(r.error?.message).toContain('SOCKS5 127.0.0.1:1080');
  });
});
