import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { hashPassword } from '../../../gateway/src';
import { Fixtures, TEST_OPERATOR_KEY } from '../../support/gateway-fixtures';
import { connect, http, open } from '../../support/ws-test-client';

/**
 * Sessions: a refresh checks the users list as it is now (a removed user, a changed password, a
 * revoked user get 401, no fallback to what the token says), refresh tokens rotate and a reused
 * one revokes its whole session, and a revocation also stops the access tokens at the door and
 * closes the sockets they opened.
 */

const fx = new Fixtures();
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-users-'));
});
afterEach(async () => {
  await fx.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const operator = { authorization: `Bearer ${TEST_OPERATOR_KEY}` };
type User = { username: string; password: string; role?: string };

/** One hash per password, as an operator's file keeps it until the password changes. */
const hashes = new Map<string, Promise<string>>();
const hashOf = (password: string) => {
  let hash = hashes.get(password);
  if (!hash) hashes.set(password, (hash = hashPassword(password)));
  return hash;
};

/** Write the users file the way an operator's tooling would: a new file renamed into place. */
async function writeUsers(users: User[]): Promise<string> {
  const file = join(dir, 'users.json');
  const entries = await Promise.all(
    users.map(async (u) => ({
      username: u.username,
      role: u.role ?? 'support',
      passwordHash: await hashOf(u.password),
    })),
  );
  await writeFile(`${file}.tmp`, JSON.stringify({ users: entries }));
  await rename(`${file}.tmp`, file);
  return file;
}

async function login(base: string, username: string, password: string) {
  return http(base, 'POST', '/auth/login', { username, password });
}
const refresh = (base: string, token: unknown) =>
  http(base, 'POST', '/auth/refresh', { refresh: token });

const ANA = { username: 'ana@acme.test', password: 'ana-first-pass-1' };
const BEN = { username: 'ben@acme.test', password: 'ben-first-pass-1' };

describe('refresh checks the users list as it is now', () => {
  it('a user removed from the users file can no longer refresh or reconnect', async () => {
    const usersFile = await writeUsers([ANA, BEN]);
    const { address } = await fx.gateway({ usersFile });
    const ana = await login(address.url, ANA.username, ANA.password);
    expect(ana.status).toBe(200);
    await writeUsers([BEN]);
    expect(await refresh(address.url, ana.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'user-unknown' },
    });
    const again = await open(address.wsUrl, { token: String(ana.body.access) });
    expect(again.ok ? 101 : again.status).toBe(401);
    expect((await login(address.url, BEN.username, BEN.password)).status).toBe(200);
  });

  it('a changed password ends the sessions made with the old one', async () => {
    const usersFile = await writeUsers([ANA]);
    const { address } = await fx.gateway({ usersFile });
    const before = await login(address.url, ANA.username, ANA.password);
    await writeUsers([{ ...ANA, password: 'ana-second-pass-2' }]);
    expect(await refresh(address.url, before.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'credentials-changed' },
    });
    const old = await open(address.wsUrl, { token: String(before.body.access) });
    expect(old.ok ? 101 : old.status).toBe(401);
    expect((await login(address.url, ANA.username, ANA.password)).status).toBe(401);
    const after = await login(address.url, ANA.username, 'ana-second-pass-2');
    expect(after.status).toBe(200);
    expect((await refresh(address.url, after.body.refresh)).status).toBe(200);
  });

  it('takes the role from the users list, never from the token', async () => {
    const usersFile = await writeUsers([{ ...ANA, role: 'super_admin' }]);
    const { gateway, address } = await fx.gateway({ usersFile });
    const first = await login(address.url, ANA.username, ANA.password);
    expect(first.body.user).toMatchObject({ role: 'super_admin' });
    await writeUsers([{ ...ANA, role: 'support' }]);
    // A role change is not a credential change: the refresh works and carries the new role.
    const next = await refresh(address.url, first.body.refresh);
    expect(next).toMatchObject({ status: 200, body: { user: { role: 'support' } } });
    // A principal that was never in the users list has nothing to fall back to.
    const stranger = await gateway.issueTokens({ sub: 'stranger', role: 'super_admin' });
    expect(await refresh(address.url, stranger.refresh)).toMatchObject({
      status: 401,
      body: { error: 'user-unknown' },
    });
  });
});

describe('refresh tokens rotate; a reused one revokes its session', () => {
  it('answers a new pair once per refresh token, and a replay ends the whole session', async () => {
    const usersFile = await writeUsers([ANA]);
    const { address } = await fx.gateway({ usersFile });
    const first = await login(address.url, ANA.username, ANA.password);
    const socket = fx.track(await connect(address.wsUrl, String(first.body.access)));
    const second = await refresh(address.url, first.body.refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh).not.toBe(first.body.refresh);
    const third = await refresh(address.url, second.body.refresh);
    expect(third.status).toBe(200);
    // Someone replays an older refresh token (stolen, or a copy): the session is revoked.
    expect(await refresh(address.url, first.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'refresh-reused' },
    });
    // ...for the holder of the newest token too, and for the session's access tokens and sockets.
    expect(await refresh(address.url, third.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'revoked' },
    });
    expect((await socket.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
    const stale = await open(address.wsUrl, { token: String(third.body.access) });
    expect(stale.ok ? 101 : stale.status).toBe(401);
    // Signing in again starts a new session; other sessions of the user were never affected.
    const fresh = await login(address.url, ANA.username, ANA.password);
    expect((await refresh(address.url, fresh.body.refresh)).status).toBe(200);
  });

  it('keeps the other sessions of the user when one session is revoked for reuse', async () => {
    const usersFile = await writeUsers([ANA]);
    const { address } = await fx.gateway({ usersFile });
    const laptop = await login(address.url, ANA.username, ANA.password);
    const phone = await login(address.url, ANA.username, ANA.password);
    const phoneSocket = fx.track(await connect(address.wsUrl, String(phone.body.access)));
    await refresh(address.url, laptop.body.refresh);
    expect((await refresh(address.url, laptop.body.refresh)).status).toBe(401);
    expect((await refresh(address.url, phone.body.refresh)).status).toBe(200);
    expect(phoneSocket.closed).toBeNull();
  });
});

describe('revoking a user', () => {
  it('POST /auth/revoke (operator key) closes the sockets, refuses the old tokens, lets a new sign-in in', async () => {
    const usersFile = await writeUsers([ANA, BEN]);
    const { gateway, address } = await fx.gateway({ usersFile });
    const ana = await login(address.url, ANA.username, ANA.password);
    const ben = await login(address.url, BEN.username, BEN.password);
    const anaSocket = fx.track(await connect(address.wsUrl, String(ana.body.access)));
    const benSocket = fx.track(await connect(address.wsUrl, String(ben.body.access)));
    expect(
      await http(
        address.url,
        'POST',
        '/auth/revoke',
        { sub: ANA.username },
        { authorization: 'Bearer nope' },
      ),
    ).toMatchObject({ status: 401 });
    const revoked = await http(
      address.url,
      'POST',
      '/auth/revoke',
      { sub: ANA.username },
      operator,
    );
    expect(revoked).toMatchObject({ status: 200, body: { sub: ANA.username, closed: 1 } });
    expect((await anaSocket.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
    const reconnect = await open(address.wsUrl, { token: String(ana.body.access) });
    expect(reconnect.ok ? 101 : reconnect.status).toBe(401);
    if (!reconnect.ok) expect(JSON.parse(reconnect.body)).toMatchObject({ error: 'token-revoked' });
    expect(await refresh(address.url, ana.body.refresh)).toMatchObject({
      status: 401,
      body: { error: 'revoked' },
    });
    expect(benSocket.closed).toBeNull();
    expect((await refresh(address.url, ben.body.refresh)).status).toBe(200);
    // Revocation ends sessions; the password still signs in (remove the user to lock them out).
    const again = await login(address.url, ANA.username, ANA.password);
    expect(again.status).toBe(200);
    fx.track(await connect(address.wsUrl, String(again.body.access)));
    expect(gateway.metrics.counters.get('auth.revocations')).toBe(1);
  });

  it('gateway.revoke() does the same for embedders', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens({ sub: 'u7', role: 'user' });
    const client = fx.track(await connect(address.wsUrl, access));
    expect(await gateway.revoke('u7')).toBe(1);
    expect((await client.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
    const again = await open(address.wsUrl, { token: access });
    expect(again.ok ? 101 : again.status).toBe(401);
  });
});
