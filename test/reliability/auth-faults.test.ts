import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordJwtProvider } from '../../electron/core/auth/password-jwt-provider';
import { MemoryEventLog, hashPassword } from '../../gateway/src';
import { sleep, waitFor } from '../support/wait';
import { RecordingClient, RestartableGateway, expectExactlyOnce } from './harness';

/**
 * Credentials failing the way production does: the access token expiring mid-session, the
 * refresh endpoint down for a while, the refresh token revoked, then the password revoked.
 * Each time the session lands in the right state with the right words, events are not lost,
 * and the attempts are counted to prove there is no reconnect storm.
 */

type Mode = 'pass' | 'refresh-down' | 'refresh-revoked' | 'all-revoked';

/** An HTTP front of the gateway's /auth endpoints that can fail on purpose, counting requests. */
class AuthFront {
  mode: Mode = 'pass';
  readonly hits = { login: 0, refresh: 0 };
  private server: Server | null = null;
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const path = req.url ?? '';
      const isRefresh = path === '/auth/refresh';
      if (isRefresh) this.hits.refresh++;
      else this.hits.login++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const refuse = (status: number, error: string) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error, message: error }));
        };
        if (isRefresh && this.mode === 'refresh-down') return refuse(503, 'unavailable');
        if (isRefresh && (this.mode === 'refresh-revoked' || this.mode === 'all-revoked'))
          return refuse(401, 'bad-token');
        if (!isRefresh && this.mode === 'all-revoked') return refuse(401, 'bad-credentials');
        void fetch(`${this.upstream}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(async (up) => {
          res.writeHead(up.status, { 'content-type': 'application/json' });
          res.end(await up.text());
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('token expiry, refresh outages and revocation', () => {
  it('refreshes on expiry, backs off while refresh is down, signs in again when it is revoked, stops when the password is', async () => {
    const password = 'Reliable-Pa55-4e1d';
    const gw = new RestartableGateway({
      eventLog: new MemoryEventLog(),
      accessTtlSec: 2,
      users: [
        {
          username: 'ops@acme.test',
          sub: 'ops@acme.test',
          role: 'super_admin',
          passwordHash: await hashPassword(password),
        },
      ],
    });
    const address = await gw.start();
    cleanups.push(() => gw.stop());
    const front = await new AuthFront(address.url).start();
    cleanups.push(() => front.stop());
    const credentials = new PasswordJwtProvider({
      loginUrl: `${front.url}/auth/login`,
      refreshUrl: `${front.url}/auth/refresh`,
      username: 'ops@acme.test',
      credentialRef: 'ops',
      getSecret: async () => password,
      refreshMarginMs: 0,
    });
    const client = new RecordingClient(
      { url: address.wsUrl, backoff: { minMs: 200, maxMs: 800, factor: 2, stableAfterMs: 1_000 } },
      { credentials, random: () => 0.5 },
    );
    cleanups.push(() => client.session.stop());
    const gateway = () => {
      if (!gw.gateway) throw new Error('gateway down');
      return gw.gateway;
    };
    let published = 0;
    const publish = async () => {
      published++;
      await gateway().publish('dashboard', { kind: 'alert', title: `e${published}` });
    };
    const closes4001 = () => gateway().metrics.counters.get('close.4001') ?? 0;
    client.session.start();
    await waitFor(() => client.session.state === 'open', { timeoutMs: 10_000 });
    await waitFor(() => (gateway().metrics.counters.get('frames.in.subscribe') ?? 0) >= 1);
    await publish();

    // 1. Expiry mid-session: 4001, one refresh, back with nothing lost.
    await waitFor(() => closes4001() >= 1, { timeoutMs: 10_000, what: '4001' });
    await publish();
    await waitFor(() => front.hits.refresh >= 1 && client.session.state === 'open', {
      timeoutMs: 10_000,
      what: 'refresh and reopen',
    });
    await publish();
    await waitFor(() => client.seqs().length === published, { timeoutMs: 10_000 });
    expect(front.hits.login).toBe(1);

    // 2. Refresh endpoint down for a while: backing off with the reason, never "sign in".
    front.mode = 'refresh-down';
    const expiriesBefore = closes4001();
    await waitFor(() => closes4001() > expiriesBefore, { timeoutMs: 10_000, what: '2nd 4001' });
    const attemptsAtOutage = client.session.diagnostics().attempts.length;
    const refreshesAtOutage = front.hits.refresh;
    await publish();
    await sleep(3_000);
    const duringOutage = client.session.diagnostics().attempts.length - attemptsAtOutage;
    const refreshCalls = front.hits.refresh - refreshesAtOutage;
    // Backoff 200→400→800 ms (jitter fixed at 0.5): a handful of tries in 3 s, not hundreds.
    expect(duringOutage).toBeGreaterThanOrEqual(2);
    expect(duringOutage).toBeLessThanOrEqual(12);
    expect(refreshCalls).toBeLessThanOrEqual(12);
    expect(client.states.map((s) => s.to)).not.toContain('auth-required');
    expect(client.session.diagnostics().lastOutcome?.meaning).toMatch(
      /refresh endpoint answered HTTP 503/,
    );
    front.mode = 'pass';
    await waitFor(() => client.session.state === 'open', { timeoutMs: 10_000, what: 'recovery' });
    await publish();
    await waitFor(() => client.seqs().length === published, { timeoutMs: 10_000 });

    // 3. Refresh token revoked: the provider signs in again with the stored password.
    front.mode = 'refresh-revoked';
    const loginsBefore = front.hits.login;
    const expiries3 = closes4001();
    await waitFor(() => closes4001() > expiries3, { timeoutMs: 10_000, what: '3rd 4001' });
    await waitFor(() => front.hits.login > loginsBefore && client.session.state === 'open', {
      timeoutMs: 10_000,
      what: 'sign-in after revoked refresh',
    });
    await publish();
    await waitFor(() => client.seqs().length === published, { timeoutMs: 10_000 });
    expect(front.hits.login).toBe(loginsBefore + 1);

    // 4. Password revoked too: sign-in refused, and then silence (no attempts, no requests).
    front.mode = 'all-revoked';
    await waitFor(() => client.session.state === 'auth-required', {
      timeoutMs: 10_000,
      what: 'auth-required',
    });
    // The server refused the stored password itself: "refused", not merely "needed".
    expect(client.states.at(-1)?.reason).toMatch(/^Sign-in refused: .*was refused \(HTTP 401/);
    const attempts = client.session.diagnostics().attempts.length;
    const requests = front.hits.login + front.hits.refresh;
    await sleep(1_500);
    expect(client.session.diagnostics().attempts.length).toBe(attempts);
    expect(front.hits.login + front.hits.refresh).toBe(requests);

    expectExactlyOnce(client, published);
    console.info(
      `auth faults: 3 expiries, refresh down 3 s (${duringOutage} attempts), refresh revoked, password revoked; ${published} events, 0 lost`,
    );
  }, 90_000);
});
