import { afterEach, describe, expect, it } from 'vitest';
import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import { DEMO_PASSWORD } from '../../../gateway/src';
import { connect, http } from '../../support/ws-test-client';
import { startTsChild, type TsChild } from '../../support/child-process';
import { waitFor } from '../../support/wait';

/**
 * The operator's side of auth, through the real CLI: revoking a user on a running gateway, and a
 * gateway that refuses to start with a JWKS but no issuer and audience (a token minted for any
 * other application of the identity provider would open it).
 */

const OPERATOR_KEY = 'cli-operator-key-7f3a';
const children: TsChild[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): TsChild {
  const child = startTsChild('gateway/src/cli.ts', args, {
    env: { REDIS_URL: '', LOOKOUT_JWKS_URL: '', LOOKOUT_OPERATOR_KEYS: '', ...env },
  });
  children.push(child);
  return child;
}

async function exited(child: TsChild): Promise<number> {
  const code = child.exitCode;
  // Wrapped: an exit code of 0 is falsy, and waitFor waits for a truthy value.
  const done = await waitFor(() => (code() === null ? null : { code: code() }), {
    timeoutMs: 20_000,
    what: 'the CLI to exit',
  });
  return done.code ?? -1;
}

describe('gateway CLI: operator commands and auth settings', () => {
  it('--revoke ends a user\u2019s sessions on a running gateway and closes their sockets', async () => {
    const gateway = cli(['--demo', '--port', '0'], { LOOKOUT_OPERATOR_KEYS: OPERATOR_KEY });
    const [, port] = await gateway.waitOutput(/on ws:\/\/127\.0\.0\.1:(\d+)\/ws/);
    const base = `http://127.0.0.1:${port}`;
    const login = await http(base, 'POST', '/auth/login', {
      username: 'admin@lookout.local',
      password: DEMO_PASSWORD,
    });
    const socket = await connect(`ws://127.0.0.1:${port}/ws`, String(login.body.access));
    try {
      const wrong = cli(['--revoke', 'admin@lookout.local', '--url', base], {
        LOOKOUT_OPERATOR_KEY: 'not-the-key',
      });
      expect(await exited(wrong)).toBe(1);
      expect(wrong.output()).toMatch(/refused \(HTTP 401\)/);
      expect(socket.closed).toBeNull();

      const revoke = cli(['--revoke', 'admin@lookout.local', '--url', base], {
        LOOKOUT_OPERATOR_KEY: OPERATOR_KEY,
      });
      expect(await exited(revoke)).toBe(0);
      expect(revoke.output()).toMatch(/revoked admin@lookout\.local.*1 socket/);
      expect((await socket.waitClose()).code).toBe(LOOKOUT_CLOSE.TOKEN_REVOKED);
      expect(
        await http(base, 'POST', '/auth/refresh', { refresh: login.body.refresh }),
      ).toMatchObject({ status: 401, body: { error: 'revoked' } });
    } finally {
      socket.close();
    }
  });

  it('refuses to start with a JWKS but no issuer and audience; starts with both', async () => {
    const jwks = { LOOKOUT_JWKS_URL: 'https://idp.invalid/.well-known/jwks.json' };
    const bare = cli(['--port', '0'], { ...jwks, LOOKOUT_GATEWAY_SECRET: 'x'.repeat(40) });
    expect(await exited(bare)).toBe(1);
    expect(bare.output()).toMatch(/JWKS needs an issuer and an audience/);
    const half = cli(['--port', '0', '--issuer', 'https://idp.invalid'], {
      ...jwks,
      LOOKOUT_GATEWAY_SECRET: 'x'.repeat(40),
    });
    expect(await exited(half)).toBe(1);
    const both = cli(['--port', '0', '--issuer', 'https://idp.invalid', '--audience', 'lookout'], {
      ...jwks,
      LOOKOUT_GATEWAY_SECRET: 'x'.repeat(40),
    });
    await both.waitOutput(/Lookout gateway gw-[0-9a-f]+ on ws:/);
  });
});
