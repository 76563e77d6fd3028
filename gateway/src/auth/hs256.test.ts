import { createHmac } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { Hs256Verifier } from './hs256';
import { TokenError } from './token-error';

const SECRET = 'a-gateway-secret-of-at-least-32-bytes!!';
const KEY = new TextEncoder().encode(SECRET);
const NOW = Math.floor(Date.now() / 1000);
const EXPECT = { issuer: 'https://issuer.test', audience: 'lookout' };

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** A token signed by hand, so cases jose would never sign (bad headers, odd claims) exist too. */
function handMade(header: unknown, claims: unknown, secret = SECRET): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const good = {
  sub: 'ada',
  role: 'admin',
  iat: NOW,
  exp: NOW + 600,
  iss: EXPECT.issuer,
  aud: 'lookout',
};

async function cases(): Promise<Array<[string, string]>> {
  const signed = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('ada')
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
    .setIssuer(EXPECT.issuer)
    .setAudience(['other', 'lookout'])
    .sign(KEY);
  const [h, , s] = signed.split('.') as [string, string, string];
  return [
    ['signed by jose', signed],
    ['hand-made, audience as a string', handMade({ alg: 'HS256' }, good)],
    ['expired', handMade({ alg: 'HS256' }, { ...good, exp: NOW - 1 })],
    ['expires this second', handMade({ alg: 'HS256' }, { ...good, exp: NOW })],
    ['not yet valid', handMade({ alg: 'HS256' }, { ...good, nbf: NOW + 60 })],
    ['valid from now', handMade({ alg: 'HS256' }, { ...good, nbf: NOW })],
    ['wrong issuer', handMade({ alg: 'HS256' }, { ...good, iss: 'https://evil.test' })],
    ['wrong audience', handMade({ alg: 'HS256' }, { ...good, aud: ['x', 'y'] })],
    ['no exp', handMade({ alg: 'HS256' }, { ...good, exp: undefined })],
    ['no iat', handMade({ alg: 'HS256' }, { ...good, iat: undefined })],
    ['no sub', handMade({ alg: 'HS256' }, { ...good, sub: undefined })],
    ['exp as a string', handMade({ alg: 'HS256' }, { ...good, exp: String(NOW + 600) })],
    ['wrong secret', handMade({ alg: 'HS256' }, good, `${SECRET}x`)],
    ['alg none', `${b64({ alg: 'none' })}.${b64(good)}.`],
    ['HS512 header', handMade({ alg: 'HS512' }, good)],
    ['crit header', handMade({ alg: 'HS256', crit: ['exp'], exp: 1 }, good)],
    ['b64 false', handMade({ alg: 'HS256', b64: false, crit: ['b64'] }, good)],
    ['payload not an object', handMade({ alg: 'HS256' }, [1, 2])],
    ['payload not JSON', handMade({ alg: 'HS256' }, 'not json')],
    ['tampered payload', `${h}.${b64({ ...good, role: 'super_admin' })}.${s}`],
    ['four segments', `${signed}.x`],
    ['empty', ''],
  ];
}

/** jose's verdict: 'ok', 'expired' or 'invalid'. */
async function jose(token: string): Promise<string> {
  try {
    await jwtVerify(token, KEY, {
      ...EXPECT,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: new Date(NOW * 1000),
    });
    return 'ok';
  } catch (error) {
    return error instanceof errors.JWTExpired ? 'expired' : 'invalid';
  }
}

function ours(token: string): string {
  try {
    new Hs256Verifier(SECRET).verify(token, EXPECT, NOW);
    return 'ok';
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return error.reason;
  }
}

describe('Hs256Verifier', () => {
  it('agrees with jose on every case, accepted or refused, and for the same reason', async () => {
    const all = await cases();
    const verdicts = await Promise.all(
      all.map(async ([name, token]) => [name, ours(token), await jose(token)]),
    );
    for (const [name, mine, theirs] of verdicts) expect(mine, name).toBe(theirs);
    // The table holds both kinds, so agreement is not agreement on "refuse everything".
    expect(verdicts.filter(([, v]) => v === 'ok').length).toBeGreaterThanOrEqual(3);
    expect(verdicts.filter(([, v]) => v === 'expired').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a signature spelled another way, which jose lets through', async () => {
    const signed = handMade({ alg: 'HS256' }, good);
    // The last of 43 characters holds 4 bits of the signature and 2 spare ones: flip a spare bit
    // and the bytes stay the same.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signed.slice(-1));
    const respelled = `${signed.slice(0, -1)}${alphabet[last ^ 1] ?? ''}`;
    expect(Buffer.from(respelled.split('.')[2] ?? '', 'base64url')).toEqual(
      Buffer.from(signed.split('.')[2] ?? '', 'base64url'),
    );
    expect(await jose(respelled)).toBe('ok');
    expect(ours(respelled)).toBe('invalid');
  });

  it('returns the claims of a token it accepts', () => {
    const claims = new Hs256Verifier(SECRET).verify(handMade({ alg: 'HS256' }, good), EXPECT, NOW);
    expect(claims).toMatchObject({ sub: 'ada', role: 'admin', exp: NOW + 600 });
  });
});
