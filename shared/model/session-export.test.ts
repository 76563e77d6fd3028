import { describe, expect, it } from 'vitest';
import {
  formatSessionExport,
  parseSessionExport,
  SESSION_EXPORT_KIND,
  type SessionExport,
} from './session-export';

const session: SessionExport = {
  header: {
    kind: SESSION_EXPORT_KIND,
    version: 1,
    endpoint: 'gw',
    name: 'Team gateway',
    dialect: 'lookout',
    url: 'ws://127.0.0.1:8080/ws?token=[redacted]',
    exportedAt: 1_700_000_000_000,
    frameLogBytes: 2 * 1024 * 1024,
  },
  attempts: [
    {
      n: 1,
      trigger: 'start',
      delayMs: 0,
      url: 'ws://127.0.0.1:8080/ws',
      startedAt: 1,
      openedAt: 2,
      endedAt: 3,
      handshake: {
        request: { method: 'GET', target: '/ws', headers: { authorization: '[redacted]' } },
        response: { status: 101, statusText: 'Switching Protocols', headers: {} },
      },
      outcome: { closeCode: 1006, meaning: 'dropped', action: 'back-off' },
    },
  ],
  states: [{ endpoint: 'gw', from: 'connecting', to: 'open', reason: 'Connected.', at: 2 }],
  actions: [{ at: 2, action: 'ping', ok: true, detail: 'Pong after 3 ms.' }],
  frames: [
    {
      endpoint: 'gw',
      id: 7,
      conn: 1,
      at: 2,
      sinceOpenMs: 0,
      dir: 'in',
      kind: 'text',
      size: 20,
      payload: '{"type":"hello"}',
      truncated: false,
      length: 16,
      decode: [{ tone: 'info', text: 'The server’s greeting.' }],
    },
  ],
};

describe('session export (JSON lines)', () => {
  it('reads back what it wrote', () => {
    const text = formatSessionExport(session);
    expect(text.trim().split('\n')).toHaveLength(5);
    expect(parseSessionExport(text)).toEqual({ ok: true, session });
  });

  it('says what is wrong with a file that is not an export, and where', () => {
    const good = formatSessionExport(session).trim().split('\n');
    expect(parseSessionExport('')).toEqual({ ok: false, error: 'The file is empty.' });
    expect(parseSessionExport('{"hello":1}\n')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^This is not a Lookout session export/),
    });
    expect(parseSessionExport('\u0000\u0001 binary')).toMatchObject({ ok: false });
    expect(parseSessionExport([good[0], '{"kind":"frame"', good[1]].join('\n'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Line 2 is not JSON/),
    });
    expect(
      parseSessionExport([good[0], good[1], '{"kind":"frame","frame":{"id":-1}}'].join('\n')),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Line 3 does not fit the session format at frame\.\w+: /),
    });
    expect(parseSessionExport([good[0], '{"kind":"virus"}'].join('\n'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Line 2 does not fit the session format/),
    });
    // A newer format version is refused rather than misread.
    expect(parseSessionExport(good[0]!.replace('"version":1', '"version":2'))).toMatchObject({
      ok: false,
    });
  });

  it('refuses oversized fields instead of holding them (a payload past the inspector’s bound)', () => {
    const big = { ...session, frames: [{ ...session.frames[0]!, payload: 'x'.repeat(70_000) }] };
    const result = parseSessionExport(formatSessionExport(big));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/frame\.payload/) });
  });
});
