import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SessionDiagnostics } from '../../../shared/model/connection';
import type { TransportFacts } from '../../../shared/model/transport';
import { TransportPanel } from './transport-panel';

const refused: TransportFacts = {
  target: 'rt.corp.example:443',
  route: {
    via: 'http://proxy.corp.example:3128',
    source: 'system',
    why: 'system settings say "PROXY proxy.corp.example:3128"',
    proxyAuth: 'corp-proxy',
    fellBack: ['http://down.corp.example:3128: Proxy refused the connection'],
  },
  tls: {
    servername: 'rt.corp.example',
    trusted: false,
    verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    trust: { sources: ['bundled (Node’s Mozilla roots)', 'system (tls.getCACertificates)'] },
    chain: [
      {
        subject: 'CN=rt.corp.example',
        issuer: 'CN=Corp Issuing CA\u202E',
        altNames: 'DNS:rt.corp.example',
        validFrom: '2026-11-01 00:00 UTC',
        validTo: '2027-11-01 00:00 UTC',
        fingerprint256: 'AB:CD',
        serialNumber: '1000',
        selfSigned: false,
      },
    ],
  },
};

function render(facts: TransportFacts | undefined): string {
  const diag = {
    attempts: [
      { n: 1, trigger: 'start', delayMs: 0, url: 'wss://x', startedAt: 0, transport: facts },
    ],
  } as unknown as SessionDiagnostics;
  return renderToStaticMarkup(<TransportPanel diag={diag} />);
}

describe('Diagnostics → Network path', () => {
  it('shows the route, who chose it, the fallback, and the refused chain with its facts', () => {
    const html = render(refused);
    expect(html).toContain('Network path');
    expect(html).toContain('http://proxy.corp.example:3128');
    expect(html).toContain('chosen by the system proxy settings');
    expect(html).toContain('proxy password: corp-proxy');
    expect(html).toContain('http://down.corp.example:3128: Proxy refused the connection');
    expect(html).toContain('certificate refused (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(html).toContain('valid 2026-11-01 00:00 UTC → 2027-11-01 00:00 UTC');
    expect(html).toContain('SHA-256 AB:CD');
    // A server's bidi override never reaches the page as such.
    expect(html).not.toContain('\u202E');
  });

  it('says a pinned certificate is discouraged', () => {
    const html = render({
      ...refused,
      tls: { ...refused.tls!, trusted: true, trust: { sources: [], pinnedSha256: 'AB:CD' } },
    });
    expect(html).toContain('certificate accepted');
    expect(html).toContain('only the pinned certificate AB:CD (discouraged)');
  });

  it('shows nothing before any attempt reached the network', () => {
    expect(render(undefined)).toBe('');
  });
});
