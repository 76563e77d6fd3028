import { describe, expect, it } from 'vitest';
import {
  environmentProxyResolver,
  isLoopbackHost,
  noProxyMatch,
  parsePacResult,
  parseProxyUrl,
} from './proxy-rules';

describe('proxy rules', () => {
  it('reads Chromium’s PAC answers in order, keeping what it cannot use as named', () => {
    expect(parsePacResult('PROXY a.corp:3128; HTTPS b.corp:443;DIRECT')).toEqual([
      { kind: 'http', host: 'a.corp', port: 3128 },
      { kind: 'https', host: 'b.corp', port: 443 },
      { kind: 'direct' },
    ]);
    expect(parsePacResult('SOCKS5 s.corp:1080')).toEqual([
      { kind: 'unsupported', spec: 'SOCKS5 s.corp:1080' },
    ]);
    expect(parsePacResult('')).toEqual([{ kind: 'direct' }]);
  });

  it('parses proxy URLs as curl does (bare host:port is http) and names other schemes', () => {
    expect(parseProxyUrl('proxy.corp:8080')).toEqual({
      kind: 'http',
      host: 'proxy.corp',
      port: 8080,
    });
    expect(parseProxyUrl('http://u%40corp:p%3Ass@[::1]:3128')).toEqual({
      kind: 'http',
      host: '::1',
      port: 3128,
      username: 'u@corp',
      password: 'p:ss',
    });
    expect(parseProxyUrl('socks5://s:1080')).toEqual({
      kind: 'unsupported',
      spec: 'socks5://s:1080',
    });
  });

  it('NO_PROXY: domains and subdomains, *.domain, host:port, IPs and CIDR blocks, *', () => {
    const rules = 'intranet.corp, .svc.local ,*.lab.corp api.corp:8443 10.0.0.0/8 fd00::/8';
    expect(noProxyMatch('intranet.corp', 443, rules)).toBe('intranet.corp');
    expect(noProxyMatch('a.intranet.corp', 443, rules)).toBe('intranet.corp');
    expect(noProxyMatch('x.svc.local', 80, rules)).toBe('.svc.local');
    expect(noProxyMatch('svc.local', 80, rules)).toBe('.svc.local');
    expect(noProxyMatch('deep.lab.corp', 443, rules)).toBe('*.lab.corp');
    expect(noProxyMatch('api.corp', 8443, rules)).toBe('api.corp:8443');
    expect(noProxyMatch('api.corp', 443, rules)).toBeNull();
    expect(noProxyMatch('10.1.2.3', 443, rules)).toBe('10.0.0.0/8');
    expect(noProxyMatch('[fd00::5]', 443, rules)).toBe('fd00::/8');
    expect(noProxyMatch('notintranet.corp', 443, rules)).toBeNull();
    expect(noProxyMatch('anything', 1, '*')).toBe('*');
  });

  it('loopback is this computer: localhost, *.localhost, 127/8, ::1', () => {
    for (const h of ['localhost', 'app.localhost', '127.0.0.1', '127.9.9.9', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['localhost.corp', '128.0.0.1', 'example.com'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('the environment: HTTPS_PROXY for wss, HTTP_PROXY for ws, ALL_PROXY otherwise, lower case first', async () => {
    const resolve = environmentProxyResolver({
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:2',
      HTTP_PROXY: 'http://plain:3',
      ALL_PROXY: 'http://all:4',
    });
    expect((await resolve('https://rt.corp:443/')).candidates).toEqual([
      { kind: 'http', host: 'lower', port: 1 },
    ]);
    expect((await resolve('http://rt.corp:80/')).candidates).toEqual([
      { kind: 'http', host: 'plain', port: 3 },
    ]);
    const allOnly = environmentProxyResolver({ ALL_PROXY: 'http://all:4' });
    expect(await allOnly('https://rt.corp:443/')).toMatchObject({
      candidates: [{ kind: 'http', host: 'all', port: 4 }],
      why: 'ALL_PROXY is set',
    });
    expect(await environmentProxyResolver({})('https://rt.corp/')).toMatchObject({
      candidates: [{ kind: 'direct' }],
      why: 'no HTTPS_PROXY or ALL_PROXY set',
    });
    expect(
      (await environmentProxyResolver({ HTTPS_PROXY: 'not a url at all' })('https://rt.corp/'))
        .candidates,
    ).toEqual([{ kind: 'unsupported', spec: 'HTTPS_PROXY (not a URL)' }]);
  });
});
