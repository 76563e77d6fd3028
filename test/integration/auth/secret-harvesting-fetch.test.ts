import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor, REDACTED } from '../../../electron/core/kernel/redact';
import { secretHarvestingFetch } from '../../../electron/core/auth/secret-harvesting-fetch';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('secretHarvestingFetch', () => {
  it('registers every cookie value and secret-named JSON field a real server hands out', async () => {
    server = createServer((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': ['sessionid=opaque-session-5b7c1d; HttpOnly', 'csrftoken=opaque-csrf-9e2f44'],
      });
      res.end(
        JSON.stringify({
          access: 'opaque-access-11aa22',
          data: { refresh_token: 'opaque-refresh-33bb44' },
          user: 'ann',
        }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    const redactor = new Redactor();
    const res = await secretHarvestingFetch(fetch, redactor)(`http://127.0.0.1:${port}/login`);
    // The caller still reads the body.
    expect(((await res.json()) as { user: string }).user).toBe('ann');
    expect(
      redactor.text(
        'opaque-session-5b7c1d opaque-csrf-9e2f44 opaque-access-11aa22 opaque-refresh-33bb44 ann',
      ),
    ).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ann`);
  });
});
