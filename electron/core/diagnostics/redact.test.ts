import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './redact';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl';

describe('Redactor', () => {
  it('removes JWTs, bearer values, query tokens and cookies from text', () => {
    const r = new Redactor();
    const out = r.text(
      `Authorization: Bearer abc.def ws://h/ws?user_id=7&token=${jwt} Cookie: sessionid=s3cr3t; x=1`,
    );
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('s3cr3t');
    expect(out).toContain('user_id=7');
  });

  it('scrubs registered secrets whatever their shape', () => {
    const r = new Redactor();
    r.addSecret('hunter2-password');
    expect(r.text('{"note":"pw is hunter2-password"}')).toBe(`{"note":"pw is ${REDACTED}"}`);
  });

  it('redacts URLs, headers and nested values by key name', () => {
    const r = new Redactor();
    const url = r.url('ws://u:p@127.0.0.1:1/ws?access_token=zzz&room=1');
    expect(url).not.toContain('zzz');
    expect(url).not.toContain('u:p@');
    expect(url).toContain('room=1');
    expect(
      r.headers({ 'set-cookie': ['a=b'], 'x-request-id': '42', authorization: 'Bearer q' }),
    ).toEqual({
      'set-cookie': REDACTED,
      'x-request-id': '42',
      authorization: REDACTED,
    });
    expect(r.value({ a: { password: 'p', list: [{ token: 't', n: 1 }] } })).toEqual({
      a: { password: REDACTED, list: [{ token: REDACTED, n: 1 }] },
    });
  });
});
