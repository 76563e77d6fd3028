import { describe, expect, it } from 'vitest';
import { classifyEnding } from './close-policy';

describe('classifyEnding', () => {
  it('prefers the handshake status, with dialect overrides', () => {
    const out = classifyEnding({
      facts: {
        handshakeStatus: 500,
        transportError: { code: 'ERROR', message: 'closed before established' },
      },
      closeCode: 1006,
      handshakeOverrides: {
        500: {
          name: 'Not signed in',
          meaning: 'django answers 500 to anonymous users',
          action: 'sign-in',
        },
      },
    });
    expect(out).toEqual({
      handshakeStatus: 500,
      meaning: 'Not signed in: django answers 500 to anonymous users',
      action: 'sign-in',
    });
  });

  it('explains transport errors', () => {
    const out = classifyEnding({
      facts: { transportError: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } },
    });
    expect(out.action).toBe('back-off');
    expect(out.error).toBe('ECONNREFUSED');
    expect(out.meaning).toMatch(/Nothing is listening/);
  });

  it('maps ws protocol errors to their close code', () => {
    const out = classifyEnding({
      facts: {
        transportError: {
          code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
          message: 'Max payload size exceeded',
        },
      },
    });
    expect(out).toMatchObject({ closeCode: 1009, action: 'back-off' });
  });

  it('uses the close code and keeps the reason', () => {
    expect(
      classifyEnding({ facts: {}, closeCode: 4001, closeReason: 'token expired' }),
    ).toMatchObject({
      closeCode: 4001,
      closeReason: 'token expired',
      action: 'refresh-token',
    });
    expect(classifyEnding({ facts: {} })).toMatchObject({ closeCode: 1006 });
  });

  it('reports endings the session caused itself', () => {
    const out = classifyEnding({
      facts: {},
      closeCode: 1006,
      local: { meaning: 'No answer to pings', action: 'back-off' },
    });
    expect(out).toEqual({ closeCode: 1006, meaning: 'No answer to pings', action: 'back-off' });
  });
});
