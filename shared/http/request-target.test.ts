import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePathOrNull, parseRequestTarget, queryParams } from './request-target';

describe('parseRequestTarget', () => {
  it('keeps origin-form paths exactly as sent and splits the query', () => {
    expect(parseRequestTarget('/ws?token=a%20b')).toEqual({
      ok: true,
      path: '/ws',
      rawQuery: 'token=a%20b',
      authority: null,
    });
    for (const path of ['//', '/\\', '/%', '/health/../stats', '//ws', '/%2e%2e/'])
      expect(parseRequestTarget(path)).toMatchObject({ ok: true, path });
  });

  it('accepts the absolute form with its authority, refuses every other form', () => {
    expect(parseRequestTarget('http://127.0.0.1:8080/health?x=1')).toEqual({
      ok: true,
      path: '/health',
      rawQuery: 'x=1',
      authority: '127.0.0.1:8080',
    });
    expect(parseRequestTarget('HTTPS://h')).toMatchObject({ ok: true, path: '/', authority: 'h' });
    expect(parseRequestTarget('http://h?q')).toMatchObject({ ok: true, path: '/', rawQuery: 'q' });
    for (const bad of [
      undefined,
      '',
      '*',
      'http://',
      'http:/health',
      'ws://h/ws',
      'javascript:alert(1)',
      '127.0.0.1:80',
      'health',
      '/a#b',
    ])
      expect(parseRequestTarget(bad), String(bad)).toMatchObject({ ok: false });
  });

  it('never throws, and a path it accepts always starts with a slash (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
          fc.string().map((s) => `http://${s}`),
        ),
        (target) => {
          const result = parseRequestTarget(target);
          if (result.ok) expect(result.path.startsWith('/')).toBe(true);
          if (result.ok) queryParams(result.rawQuery).get('token');
          decodePathOrNull(target);
        },
      ),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it('decodes a path or answers null for a malformed escape', () => {
    expect(decodePathOrNull('/a%20b')).toBe('/a b');
    expect(decodePathOrNull('/%')).toBeNull();
    expect(decodePathOrNull('/%E0%A4%A')).toBeNull();
  });
});
