import { describe, expect, it } from 'vitest';
import { endpointSchema } from '../../../shared/config/endpoint';
import { emptyForm, endpointFromForm, formFromEndpoint, validateForm } from './endpoint-form';

const base = {
  ...emptyForm(),
  id: 'corp',
  name: 'Corp',
  urls: 'wss://rt.corp.example/ws',
};

describe('endpoint form: proxy and TLS fields', () => {
  it('system proxy and no TLS settings leave the config as it was (no keys added)', () => {
    const e = endpointFromForm(base);
    expect(e).not.toHaveProperty('proxy');
    expect(e).not.toHaveProperty('proxyAuth');
    expect(e).not.toHaveProperty('tls');
  });

  it('a proxy URL, a proxy user and a CA file become proxy, proxyAuth (password by reference) and tls', () => {
    const e = endpointFromForm({
      ...base,
      proxyMode: 'url',
      proxyUrl: ' http://proxy.corp.example:3128 ',
      proxyUser: 'jdoe',
      proxySecret: 'never-in-the-config',
      caFile: '/etc/pki/corp/root-ca.pem',
    });
    expect(e).toMatchObject({
      proxy: 'http://proxy.corp.example:3128',
      proxyAuth: { username: 'jdoe', credentialRef: 'corp-proxy' },
      tls: { caFile: '/etc/pki/corp/root-ca.pem' },
    });
    expect(JSON.stringify(e)).not.toContain('never-in-the-config');
    expect(endpointSchema.safeParse(e).success).toBe(true);
    // And back: the form shows what is stored, never the password.
    const again = formFromEndpoint(e);
    expect(again).toMatchObject({
      proxyMode: 'url',
      proxyUrl: 'http://proxy.corp.example:3128',
      proxyUser: 'jdoe',
      proxySecret: '',
      caFile: '/etc/pki/corp/root-ca.pem',
    });
  });

  it('"direct" drops the proxy user; a stored credentialRef is kept on edit', () => {
    expect(endpointFromForm({ ...base, proxyMode: 'direct', proxyUser: 'jdoe' })).toMatchObject({
      proxy: 'direct',
    });
    expect(
      endpointFromForm({ ...base, proxyMode: 'direct', proxyUser: 'jdoe' }),
    ).not.toHaveProperty('proxyAuth');
    const stored = formFromEndpoint({
      ...endpointFromForm(base),
      proxyAuth: { username: 'jdoe', credentialRef: 'shared-proxy' },
    });
    expect(endpointFromForm(stored).proxyAuth?.credentialRef).toBe('shared-proxy');
  });

  it('refusals land on their fields: credentials in the proxy URL, SOCKS, a fingerprint that is none', () => {
    expect(
      validateForm({ ...base, proxyMode: 'url', proxyUrl: 'http://u:p@proxy:3128' }).proxyUrl,
    ).toEqual([expect.stringContaining('must not contain a user or password')]);
    expect(
      validateForm({ ...base, proxyMode: 'url', proxyUrl: 'socks5://proxy:1080' }).proxyUrl,
    ).toEqual([expect.stringContaining('SOCKS proxies are not supported')]);
    expect(validateForm({ ...base, pinnedSha256: 'abc' }).pinnedSha256).toEqual([
      expect.stringContaining('SHA-256 fingerprint'),
    ]);
    expect(validateForm({ ...base, pinnedSha256: `${'AB:'.repeat(31)}AB` })).toEqual({});
  });
});
