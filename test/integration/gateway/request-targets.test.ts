import { afterEach, describe, expect, it } from 'vitest';
import { recordProcessFaults } from '../../support/process-faults';
import { UPGRADE_HEADERS, rawRequest, requestHead } from '../../support/raw-http';
import { Fixtures } from '../../support/gateway-fixtures';
import { connect, http } from '../../support/ws-test-client';

const fx = new Fixtures();
const recorder = recordProcessFaults();
afterEach(async () => {
  await fx.cleanup();
  recorder.faults.length = 0;
});

const admin = { sub: 'admin@lookout.local', role: 'super_admin' } as const;
const HOST = 'Host: 127.0.0.1';

/**
 * Request lines that once ended the gateway process (a URL parse that threw in an async handler:
 * an unhandled rejection), and their neighbours, on the HTTP path and on the upgrade path. Each
 * must get a 4xx answer, and the gateway must keep serving.
 */
const HTTP_CASES: ReadonlyArray<[string, number]> = [
  ['GET // HTTP/1.1', 404],
  ['GET /\\ HTTP/1.1', 404],
  ['GET /% HTTP/1.1', 404],
  ['GET /%zz/%%%/health HTTP/1.1', 404],
  ['GET //health HTTP/1.1', 404],
  ['GET ///stats HTTP/1.1', 404],
  ['GET /health/../stats HTTP/1.1', 404],
  ['GET * HTTP/1.1', 400],
  ['OPTIONS * HTTP/1.1', 400],
  ['GET http://127.0.0.1/nope HTTP/1.1', 404],
  ['GET http:// HTTP/1.1', 400],
  ['GET http:/health HTTP/1.1', 400],
  ['GET javascript:alert(1) HTTP/1.1', 400],
  ['GET 127.0.0.1:80 HTTP/1.1', 400],
  ['POST /health HTTP/1.1', 405],
  ['DELETE /publish HTTP/1.1', 405],
  ['OPTIONS /auth/login HTTP/1.1', 405],
  ['PROPFIND / HTTP/1.1', 404],
  ['CONNECT 127.0.0.1:1 HTTP/1.1', 405],
  ['GET /health?%=% HTTP/1.1', 200],
  ['GET http://127.0.0.1/health HTTP/1.1', 200],
  ['HEAD /nope HTTP/1.1', 404],
];

const UPGRADE_CASES: ReadonlyArray<[string, number]> = [
  ['GET // HTTP/1.1', 404],
  ['GET /\\ HTTP/1.1', 404],
  ['GET /% HTTP/1.1', 404],
  ['GET //ws HTTP/1.1', 404],
  ['GET * HTTP/1.1', 400],
  ['GET http:// HTTP/1.1', 400],
  ['GET /ws?token=% HTTP/1.1', 401],
  ['GET /ws?token=%E0%A4%A HTTP/1.1', 401],
  ['GET /ws?access_token=a&access_token=b&token HTTP/1.1', 401],
  ['GET http://127.0.0.1/ws HTTP/1.1', 401],
  ['GET ws://127.0.0.1/ws HTTP/1.1', 400],
  ['POST /ws HTTP/1.1', 405],
];

async function expectStillServing(url: string, wsUrl: string, token: string): Promise<void> {
  expect((await http(url, 'GET', '/health')).status).toBe(200);
  fx.track(await connect(wsUrl, token));
}

describe('request targets and methods the gateway must survive', () => {
  it('answers each hostile request line with a 4xx on the HTTP path and keeps serving', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens(admin);
    for (const [line, status] of HTTP_CASES) {
      const answer = await rawRequest(address.port, requestHead(line, [HOST]));
      expect(answer.status, line).toBe(status);
      if (status >= 400 && !line.startsWith('HEAD')) {
        const body = answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4);
        expect(JSON.parse(body), line).toMatchObject({ error: expect.any(String) });
      }
    }
    expect(recorder.faults).toEqual([]);
    await expectStillServing(address.url, address.wsUrl, access);
  });

  it('answers each hostile request line with a 4xx on the upgrade path and keeps serving', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens(admin);
    for (const [line, status] of UPGRADE_CASES) {
      const answer = await rawRequest(address.port, requestHead(line, [HOST, ...UPGRADE_HEADERS]));
      expect(answer.status, line).toBe(status);
    }
    // The same targets with a valid token: still refused by path, never a crash.
    for (const [line] of UPGRADE_CASES.filter(([l]) => !l.includes('/ws'))) {
      const answer = await rawRequest(
        address.port,
        requestHead(line, [HOST, ...UPGRADE_HEADERS, `Authorization: Bearer ${access}`]),
      );
      expect(answer.status, `${line} with a token`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${line} with a token`).toBeLessThan(500);
    }
    expect(recorder.faults).toEqual([]);
    await expectStillServing(address.url, address.wsUrl, access);
  });

  it('answers malformed heads (bad header lines, duplicates, oversized) with a 4xx, not silence', async () => {
    const { gateway, address } = await fx.gateway();
    const { access } = await gateway.issueTokens(admin);
    const heads: ReadonlyArray<[string, string, number]> = [
      ['header without a colon', requestHead('GET /health HTTP/1.1', [HOST, 'nonsense']), 400],
      [
        'two different Content-Lengths',
        requestHead('POST /auth/login HTTP/1.1', [HOST, 'Content-Length: 1', 'Content-Length: 2']),
        400,
      ],
      [
        'an oversized header',
        requestHead('GET /health HTTP/1.1', [HOST, `X-Big: ${'a'.repeat(70 * 1024)}`]),
        431,
      ],
      ['HTTP/9.9', requestHead('GET /health HTTP/9.9', [HOST]), 400],
      ['garbage request line', requestHead('\u0001\u0002 \u0003', []), 400],
      [
        'duplicate Host and Authorization on the upgrade',
        requestHead('GET /ws HTTP/1.1', [
          HOST,
          'Host: evil.example',
          ...UPGRADE_HEADERS,
          'Authorization: Bearer x',
          `Authorization: Bearer ${access}`,
        ]),
        401,
      ],
    ];
    for (const [name, bytes, status] of heads) {
      const answer = await rawRequest(address.port, bytes);
      expect(answer.status, name).toBe(status);
    }
    expect(recorder.faults).toEqual([]);
    await expectStillServing(address.url, address.wsUrl, access);
  });
});
