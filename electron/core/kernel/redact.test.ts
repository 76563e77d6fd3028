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

describe('Redactor: opaque secrets by key name, by value and before truncation', () => {
  const opaque = 'q7Vd2LxK0pRmZt9wYc4HnB6sJ1aE8uFg';

  it('redacts query parameters and form fields by name, whatever the value looks like', () => {
    const r = new Redactor();
    for (const name of [
      'secret',
      'apikey',
      'api_key',
      'api-key',
      'refresh',
      'csrftoken',
      'sessionid',
      'password',
      'x_auth_token',
      'access_token',
      'client_secret',
    ])
      expect(r.text(`GET /x?room=1&${name}=${opaque}&n=2`), name).toBe(
        `GET /x?room=1&${name}=${REDACTED}&n=2`,
      );
    const url = r.url(`wss://h/ws?secret=${opaque}&apikey=${opaque}&room=1`);
    expect(url).not.toContain(opaque);
    expect(url).toContain('room=1');
  });

  it('redacts JSON fields by name, also escaped inside another JSON string and when cut', () => {
    const r = new Redactor();
    expect(r.text(`{"password":"${opaque}","api_key":"${opaque}","n":1}`)).toBe(
      `{"password":"${REDACTED}","api_key":"${REDACTED}","n":1}`,
    );
    expect(r.text(`{"msg":"{\\"refresh\\":\\"${opaque}\\",\\"ok\\":true}"}`)).not.toContain(opaque);
    // A preview that ends inside the value: no closing quote.
    expect(r.text(`{"apiKey":"${opaque.slice(0, 20)}`)).not.toContain(opaque.slice(0, 20));
  });

  it('redacts header-style lines and custom auth headers by name', () => {
    const r = new Redactor();
    expect(r.text(`X-Auth: ${opaque}\r\nX-Request-Id: 7`)).toBe(
      `X-Auth: ${REDACTED}\r\nX-Request-Id: 7`,
    );
    expect(
      r.headers({
        'X-Auth': opaque,
        'X-Auth-Token': opaque,
        'X-Api-Key': opaque,
        Origin: 'http://o',
      }),
    ).toEqual({
      'X-Auth': REDACTED,
      'X-Auth-Token': REDACTED,
      'X-Api-Key': REDACTED,
      Origin: 'http://o',
    });
  });

  it('redacts the password of URL user-info anywhere in text', () => {
    const r = new Redactor();
    const out = r.text(`could not reach wss://support:${opaque}@rt.example.com/ws (refused)`);
    expect(out).not.toContain(opaque);
    expect(out).toContain('rt.example.com/ws');
  });

  it('keeps ordinary fields that only resemble secret names', () => {
    const r = new Redactor();
    const config = {
      loginUrl: 'http://h/login',
      refreshUrl: 'http://h/refresh',
      credentialRef: 'gw',
      author: 'Ann',
      keyboard: 'us',
    };
    expect(r.value(config)).toEqual(config);
  });

  it('cuts previews after redacting: a known secret across the boundary leaves no part behind', () => {
    const r = new Redactor();
    r.addSecret(opaque);
    const head = `{"pad":"${'p'.repeat(280)}","echo":"`;
    const frame = `${head}${opaque}"}`;
    const preview = r.preview(frame, 300);
    expect(preview.length).toBeLessThanOrEqual(301);
    for (let n = 4; n <= opaque.length; n++) expect(preview).not.toContain(opaque.slice(0, n));
    expect(preview.startsWith('{"pad":"ppp')).toBe(true);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('cuts previews after redacting: an unknown value of a secret-named field across the boundary', () => {
    const r = new Redactor();
    const head = `{"pad":"${'p'.repeat(280)}","api_key":"`;
    const preview = r.preview(`${head}${opaque}"}`, 300);
    expect(preview).not.toContain(opaque.slice(0, 4));
  });

  it('scrubs a known secret registered after the frame was kept, when only its start fits', () => {
    const r = new Redactor();
    const frame = `${'x'.repeat(290)}${opaque}`;
    r.addSecret(opaque);
    const preview = r.preview(frame.slice(0, 300), 300, frame.length);
    expect(preview).not.toContain(opaque.slice(0, 8));
  });
});
