import { createServer, type ServerResponse } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { Fixtures } from '../../support/gateway-fixtures';
import { open } from '../../support/ws-test-client';

const fx = new Fixtures();
afterEach(() => fx.cleanup());

describe('stopping with an upgrade in flight', () => {
  it('refuses an upgrade authenticated after stop began, and stop() completes', async () => {
    // A JWKS endpoint that answers only when told: the upgrade stays in authentication meanwhile.
    let held: ServerResponse | null = null;
    const jwksServer = createServer((_req, res) => {
      held = res;
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', () => resolve()));
    const address = jwksServer.address();
    const jwksPort = typeof address === 'object' && address ? address.port : 0;
    try {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      const token = await new SignJWT({ role: 'super_admin' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('admin@lookout.local')
        .setIssuer('https://idp.example')
        .setAudience('lookout')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const { gateway, address: gw } = await fx.gateway({
        jwksUrl: `http://127.0.0.1:${jwksPort}/jwks`,
        issuer: 'https://idp.example',
        audience: 'lookout',
      });
      const attempt = open(gw.wsUrl, { token });
      await waitFor(() => held, { what: 'the JWKS request' });
      const stopped = gateway.stop();
      (held as unknown as ServerResponse)
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
      const result = await attempt;
      // Not a connection on a gateway that no longer delivers anything: refused, retry elsewhere.
      expect(result.ok ? 101 : result.status).toBe(503);
      await stopped;
      expect(gateway.metrics.counters.get('handshake.restarting')).toBe(1);
    } finally {
      jwksServer.closeAllConnections();
      await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    }
  });
});
