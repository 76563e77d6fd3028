import fc from 'fast-check';
import { UPGRADE_HEADERS } from '../raw-http';

/**
 * fast-check arbitraries for hostile HTTP/1.1 request heads, written as raw bytes (latin1) so no
 * client library normalises them: methods, request targets (slashes, backslashes, bad escapes,
 * dot segments, absolute and authority forms, `*`, control and non-ASCII bytes, huge), versions,
 * and header sections (duplicates, conflicting lengths, oversized and malformed lines).
 *
 * Every head is complete (ends with a blank line and announces no body it does not carry), so a
 * server that answers nothing is waiting on nothing: silence is a fault, like a 5xx or a crash.
 */

/** One generated request, tagged with the class it exercises (for the per-class counts). */
export interface FuzzRequest {
  cls: string;
  bytes: string;
}

/** What the corpus is aimed at: routes to mutate and the Host the server expects. */
export interface FuzzTarget {
  routes: readonly string[];
  host: string;
  /** Headers that let an upgrade through (a valid token, the bridge's Origin and secret), sent on every other upgrade. */
  upgradeAuth?: readonly string[];
}

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'SEARCH',
  'PURGE',
  'LINK',
  'SOURCE',
  'ACL',
] as const;

const methodArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 1, arbitrary: fc.constantFrom('get', 'Get', 'G ET', 'GET\t', '') },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom(...'ABCXYZ-_!~*'), minLength: 1, maxLength: 12 }),
  },
  { weight: 1, arbitrary: fc.constant('X'.repeat(300)) },
);

const ESCAPES = [
  '%',
  '%%',
  '%2',
  '%zz',
  '%00',
  '%2f',
  '%2F',
  '%5c',
  '%2e%2e',
  '%E0%A4%A',
  '%C0%AF',
];
const SEGMENTS = ['', '.', '..', '\\', '\\\\', 'ws', 'health', 'stats', 'bridge', '~', ';x=1'];

/** Raw bytes in a target: control characters, DEL, and UTF-8 of non-ASCII text. */
const oddBytesArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', ' ', '\t', '"', '<', '{', '|', '^', '`'),
  fc.string({ minLength: 1, maxLength: 4 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
);

function mutatedPathArb(routes: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SEGMENTS) },
    { weight: 3, arbitrary: fc.constantFrom(...ESCAPES) },
    { weight: 1, arbitrary: oddBytesArb },
    { weight: 1, arbitrary: fc.constantFrom(...routes.map((r) => r.slice(1))) },
  );
  return fc.oneof(
    fc.constantFrom('//', '/\\', '/%', '/\\\\', '///', '/.', '/..', '/?', '/?%', '/#x'),
    fc
      .tuple(
        fc.constantFrom(...routes),
        fc.array(piece, { maxLength: 4 }),
        fc.constantFrom('/', '//', '\\', ''),
      )
      .map(([route, pieces, sep]) => `${route}${sep}${pieces.join(sep || '/')}`),
    fc
      .tuple(fc.constantFrom('/', '//', '/\\'), fc.array(piece, { minLength: 1, maxLength: 5 }))
      .map(([lead, pieces]) => `${lead}${pieces.join('/')}`),
    fc
      .tuple(
        fc.constantFrom(...routes),
        fc.array(fc.constantFrom(...ESCAPES, '=', '&', 'token'), { maxLength: 6 }),
      )
      .map(([route, q]) => `${route}?${q.join('')}`),
  );
}

/** Request lines, one labelled class at a time so each is exercised (and counted) on its own. */
function requestLineArb(target: FuzzTarget): fc.Arbitrary<{ cls: string; line: string }> {
  const routeArb = fc.constantFrom(...target.routes);
  const authority = fc.constantFrom(target.host, 'evil.example', '', '[::1]', 'a:b:c', '%00');
  const line = (
    cls: string,
    method: fc.Arbitrary<string>,
    t: fc.Arbitrary<string>,
    v = versionArb,
  ) => fc.tuple(method, t, v).map(([m, tt, vv]) => ({ cls, line: `${m} ${tt} ${vv}` }));
  const usual = fc.constantFrom('GET', 'POST', 'HEAD');
  const http11 = fc.constant('HTTP/1.1');
  return fc.oneof(
    line('method', methodArb, fc.oneof(routeArb, mutatedPathArb(target.routes)), http11),
    line(
      'target: paths',
      usual,
      mutatedPathArb(target.routes).filter((t) => !/%|\\/.test(t)),
      http11,
    ),
    line(
      'target: escapes and backslashes',
      usual,
      mutatedPathArb(target.routes).filter((t) => /%|\\/.test(t)),
      http11,
    ),
    line(
      'target: absolute/other form',
      usual,
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom(
              'http://',
              'https://',
              'HTTP://',
              'ws://',
              'file://',
              'http:/',
              'http:',
            ),
            authority,
            fc.oneof(routeArb, mutatedPathArb(target.routes), fc.constant('')),
          )
          .map(([scheme, auth, path]) => `${scheme}${auth}${path}`),
        fc.constantFrom(
          '*',
          target.host,
          '127.0.0.1:1',
          'javascript:alert(1)',
          'data:,x',
          'health',
          '',
          ' /',
          '/ /',
        ),
      ),
      http11,
    ),
    line(
      'target: huge',
      usual,
      routeArb.map((r) => `${r}/${'a'.repeat(9_000)}`),
      http11,
    ),
    line('version', usual, routeArb, versionArb),
  );
}

const versionArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'HTTP/1.0',
      'HTTP/2.0',
      'HTTP/0.9',
      'HTTP/9.9',
      'HTTP/1.1x',
      'http/1.1',
      'HTTP/',
      'FOO',
    ),
  },
);

/** Header sections that stress the parser and the handlers that read headers. */
function headerSectionArb(
  target: FuzzTarget,
): fc.Arbitrary<{ cls: string; lines: string[]; body: string }> {
  const host = `Host: ${target.host}`;
  const plain = (cls: string, lines: string[], body = '') => ({
    cls,
    lines: [host, ...lines],
    body,
  });
  return fc.oneof(
    fc.constant(plain('headers: plain', [])),
    fc.constantFrom(
      plain('headers: duplicate', [host]),
      plain('headers: duplicate', ['Host: evil.example']),
      { cls: 'headers: duplicate', lines: ['Host: evil.example', host], body: '' },
      plain('headers: duplicate', ['Authorization: Bearer a', 'Authorization: Bearer b']),
      plain('headers: duplicate', ['X-Api-Key: a', 'X-Api-Key: b']),
      plain('headers: duplicate', ['Origin: http://a', 'Origin: http://b']),
      plain('headers: duplicate', ['Content-Length: 2', 'Content-Length: 2'], '{}'),
      plain('headers: duplicate', ['Content-Length: 2', 'Content-Length: 3'], '{}'),
      plain('headers: duplicate', ['Content-Length: 2', 'Transfer-Encoding: chunked'], '{}'),
      plain(
        'headers: duplicate',
        ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'],
        '0\r\n\r\n',
      ),
      plain('headers: duplicate', ['Cookie: a=1', 'Cookie: b=2']),
      plain('headers: duplicate', ['Sec-WebSocket-Key: a', 'Sec-WebSocket-Key: b']),
    ),
    fc.constantFrom(
      plain('headers: oversized', [`X-Big: ${'a'.repeat(20 * 1024)}`]),
      plain('headers: oversized', [`Authorization: Bearer ${'a'.repeat(17 * 1024)}`]),
      plain(
        'headers: oversized',
        Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v`),
      ),
      plain('headers: oversized', [`Cookie: ${'c=1; '.repeat(4_000)}`]),
    ),
    fc.constantFrom(
      plain('headers: malformed', ['no colon here']),
      plain('headers: malformed', ['Space Before : colon']),
      plain('headers: malformed', ['X-Fold: a', ' folded continuation']),
      plain('headers: malformed', ['X-Nul: a\u0000b']),
      plain('headers: malformed', ['X-Bytes: \u00ff\u00fe']),
      plain('headers: malformed', [': empty name']),
      plain('headers: malformed', ['Content-Length: -1']),
      plain('headers: malformed', ['Content-Length: 1e3']),
      plain('headers: malformed', ['Transfer-Encoding: gzip, chunked'], '0\r\n\r\n'),
      plain('headers: malformed', ['Transfer-Encoding: chunked'], 'zz\r\n\r\n'),
      plain('headers: malformed', ['Expect: 100-continue']),
      plain('headers: malformed', ['Expect: nonsense']),
      plain('headers: malformed', ['Authorization: Basic !!!']),
      plain('headers: malformed', ['Authorization: Bearer']),
      plain('headers: malformed', ['Origin: null']),
      { cls: 'headers: malformed', lines: [], body: '' },
    ),
  );
}

/** The whole corpus for a server: request lines on their own, then header sections, on both paths. */
export function requestCorpus(target: FuzzTarget, seed: number, runs: number): FuzzRequest[] {
  const host = `Host: ${target.host}`;
  const head = (line: string, lines: string[], upgrade: boolean, body = '') =>
    `${[line, ...lines, ...(upgrade ? UPGRADE_HEADERS : ['Connection: close'])].join('\r\n')}\r\n\r\n${body}`;
  const out: FuzzRequest[] = [];
  for (const upgrade of [false, true]) {
    const path = upgrade ? 'upgrade' : 'http';
    const lines = fc.sample(requestLineArb(target), { seed, numRuns: runs });
    for (const [i, { cls, line }] of lines.entries()) {
      const auth = upgrade && i % 2 === 0 ? (target.upgradeAuth ?? []) : [];
      out.push({ cls: `${path} ${cls}`, bytes: head(line, [host, ...auth], upgrade) });
    }
    const sections = fc.sample(
      fc.tuple(fc.constantFrom(...target.routes), headerSectionArb(target)),
      { seed: seed + 1, numRuns: Math.ceil(runs / 2) },
    );
    for (const [i, [route, section]] of sections.entries()) {
      const auth = upgrade && i % 2 === 0 ? (target.upgradeAuth ?? []) : [];
      out.push({
        cls: `${path} ${section.cls}`,
        bytes: head(
          `${upgrade ? 'GET' : 'POST'} ${route} HTTP/1.1`,
          [...section.lines, ...auth],
          upgrade,
          section.body,
        ),
      });
    }
  }
  return out;
}
