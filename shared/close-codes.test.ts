import { describe, expect, it } from 'vitest';
import {
  explainCloseCode,
  explainHandshakeStatus,
  explainTransportError,
  LOOKOUT_CLOSE,
} from './close-codes';

describe('close-code table', () => {
  it('maps auth expiry to a token refresh and forbidden to sign-in', () => {
    expect(explainCloseCode(LOOKOUT_CLOSE.AUTH_EXPIRED).action).toBe('refresh-token');
    expect(explainCloseCode(LOOKOUT_CLOSE.FORBIDDEN).action).toBe('sign-in');
    expect(explainCloseCode(1012).action).toBe('retry-now');
  });

  it('explains unknown codes by range instead of failing', () => {
    expect(explainCloseCode(4321)).toMatchObject({
      action: 'back-off',
      name: 'Application code 4321',
    });
    expect(explainCloseCode(2999).meaning).toContain('2999');
  });

  it('lets a dialect override a meaning', () => {
    const override = {
      1000: {
        name: 'Bad frame',
        meaning: 'sakura closes on non-JSON',
        action: 'back-off' as const,
      },
    };
    expect(explainCloseCode(1000, override).meaning).toBe('sakura closes on non-JSON');
    expect(explainCloseCode(1001, override).name).toBe('Going away');
  });

  it('treats unknown 4xx handshake answers as stop and 5xx as back-off', () => {
    expect(explainHandshakeStatus(401).action).toBe('refresh-token');
    expect(explainHandshakeStatus(403).action).toBe('sign-in');
    expect(explainHandshakeStatus(418).action).toBe('stop');
    expect(explainHandshakeStatus(599).action).toBe('back-off');
  });

  it('explains transport errors', () => {
    expect(explainTransportError('ECONNREFUSED').meaning).toContain('Nothing is listening');
    expect(explainTransportError('EWHATEVER').name).toBe('EWHATEVER');
  });
});
