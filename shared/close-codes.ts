import type { CloseAction } from './model/connection';

/**
 * The close-code and handshake-status table: what each ending means in plain words and what the
 * engine does next. The session's retry logic and the diagnostics panel both read this one table.
 */
export interface CodeMeaning {
  /** Short name, e.g. `Going away`. */
  name: string;
  /** A sentence a support person can read to a customer. */
  meaning: string;
  action: CloseAction;
}

/** Close codes of our own protocol (4000–4999 are the application range of RFC 6455). */
export const LOOKOUT_CLOSE = {
  BAD_REQUEST: 4000,
  AUTH_EXPIRED: 4001,
  FORBIDDEN: 4003,
  TOKEN_REVOKED: 4004,
  RATE_LIMITED: 4008,
  TOO_BIG: 4009,
  RESTARTING: 4012,
  TRY_AGAIN_LATER: 4013,
  TOO_SLOW: 4014,
  MOVING: 4015,
} as const;

export const CLOSE_CODES: Readonly<Record<number, CodeMeaning>> = {
  1000: {
    name: 'Normal closure',
    meaning: 'The server ended the connection normally.',
    action: 'back-off',
  },
  1001: {
    name: 'Going away',
    meaning: 'The server is shutting down or restarting.',
    action: 'back-off',
  },
  1002: {
    name: 'Protocol error',
    meaning: 'The server saw a WebSocket protocol error.',
    action: 'back-off',
  },
  1003: {
    name: 'Unsupported data',
    meaning: 'The server cannot accept this kind of data.',
    action: 'back-off',
  },
  1005: {
    name: 'No status',
    meaning: 'The connection closed without a close code.',
    action: 'back-off',
  },
  1006: {
    name: 'Abnormal closure',
    meaning:
      'The connection dropped without a close frame: network loss, a crashed server, or a proxy cut it.',
    action: 'back-off',
  },
  1007: {
    name: 'Invalid payload',
    meaning: 'The server received data it could not decode.',
    action: 'back-off',
  },
  1008: {
    name: 'Policy violation',
    meaning:
      'The server refused this client by policy, usually authentication or Origin: sign in again or check the endpoint headers.',
    action: 'sign-in',
  },
  1009: {
    name: 'Message too big',
    meaning: 'A message was larger than the other side accepts.',
    action: 'back-off',
  },
  1010: {
    name: 'Extension required',
    meaning: 'The server needs a WebSocket extension the client did not offer.',
    action: 'stop',
  },
  1011: {
    name: 'Internal error',
    meaning: 'The server hit an internal error (or a keepalive ping went unanswered).',
    action: 'back-off',
  },
  1012: {
    name: 'Service restart',
    meaning: 'The server is restarting; reconnecting right away.',
    action: 'retry-now',
  },
  1013: {
    name: 'Try again later',
    meaning: 'The server is overloaded; waiting before reconnecting.',
    action: 'back-off',
  },
  1014: {
    name: 'Bad gateway',
    meaning: 'A proxy in front of the server got a bad answer upstream.',
    action: 'back-off',
  },
  1015: {
    name: 'TLS failure',
    meaning: 'The TLS handshake failed: check the certificate and the URL scheme.',
    action: 'stop',
  },
  3000: {
    name: 'Unauthorized',
    meaning: 'The server says the credentials are not valid: sign in again.',
    action: 'sign-in',
  },
  3003: {
    name: 'Forbidden',
    meaning: 'The server says this account may not use this connection.',
    action: 'sign-in',
  },
  3008: { name: 'Timeout', meaning: 'The server timed the connection out.', action: 'back-off' },
  [LOOKOUT_CLOSE.BAD_REQUEST]: {
    name: 'Bad request',
    meaning: 'The gateway rejected a malformed message from this client.',
    action: 'back-off',
  },
  [LOOKOUT_CLOSE.AUTH_EXPIRED]: {
    name: 'Authentication expired',
    meaning: 'The access token expired during the session; refreshing it and reconnecting.',
    action: 'refresh-token',
  },
  [LOOKOUT_CLOSE.FORBIDDEN]: {
    name: 'Forbidden',
    meaning:
      'This account lost the right to use the connection: sign in with an account that has it.',
    action: 'sign-in',
  },
  [LOOKOUT_CLOSE.TOKEN_REVOKED]: {
    name: 'Token revoked',
    meaning: 'The session was revoked on the server: sign in again.',
    action: 'sign-in',
  },
  [LOOKOUT_CLOSE.RATE_LIMITED]: {
    name: 'Rate limited',
    meaning: 'This client sent too many messages; waiting before reconnecting.',
    action: 'back-off',
  },
  [LOOKOUT_CLOSE.TOO_BIG]: {
    name: 'Message too big',
    meaning: 'This client sent a message over the gateway limit.',
    action: 'back-off',
  },
  [LOOKOUT_CLOSE.RESTARTING]: {
    name: 'Restarting',
    meaning:
      'The gateway instance is restarting for maintenance; reconnecting (possibly to another instance).',
    action: 'retry-now',
  },
  [LOOKOUT_CLOSE.TOO_SLOW]: {
    name: 'Too slow',
    meaning:
      'This client did not read what the gateway sent fast enough (its send queue went over budget); reconnecting and resuming where it left off.',
    action: 'back-off',
  },
  [LOOKOUT_CLOSE.MOVING]: {
    name: 'Moving',
    meaning:
      'The gateway instance is draining (a deploy or a scale-down) and asked this client to move: reconnecting after a short random delay, possibly to another instance, and resuming where it left off.',
    // Backing off (full jitter from the shortest delay after a stable connection) spreads the
    // clients of a draining instance on top of the gateway's own spreading of the closes.
    action: 'back-off',
  },
  [LOOKOUT_CLOSE.TRY_AGAIN_LATER]: {
    name: 'Try again later',
    meaning:
      'The gateway is at capacity or its storage is unavailable; waiting before reconnecting.',
    action: 'back-off',
  },
};

export const HANDSHAKE_STATUSES: Readonly<Record<number, CodeMeaning>> = {
  400: {
    name: 'Bad Request',
    meaning: 'The server rejected the upgrade request: check the URL and its query.',
    action: 'stop',
  },
  401: {
    name: 'Unauthorized',
    meaning: 'The server did not accept the credentials: the token is missing, expired or invalid.',
    action: 'refresh-token',
  },
  403: {
    name: 'Forbidden',
    meaning:
      'The server refused the upgrade: not signed in, no right to this endpoint, or the Origin header is not allowed.',
    action: 'sign-in',
  },
  404: {
    name: 'Not Found',
    meaning: 'Nothing answers at that path: check the endpoint URL.',
    action: 'stop',
  },
  426: {
    name: 'Upgrade Required',
    meaning: 'The server wants another protocol version.',
    action: 'stop',
  },
  429: {
    name: 'Too Many Requests',
    meaning: 'The server is rate limiting connections; waiting before retrying.',
    action: 'back-off',
  },
  500: {
    name: 'Internal Server Error',
    meaning: 'The server failed while handling the upgrade.',
    action: 'back-off',
  },
  502: {
    name: 'Bad Gateway',
    meaning: 'A proxy in front of the server got no good answer.',
    action: 'back-off',
  },
  503: {
    name: 'Service Unavailable',
    meaning: 'The server is temporarily unavailable.',
    action: 'back-off',
  },
  504: {
    name: 'Gateway Timeout',
    meaning: 'A proxy in front of the server timed out.',
    action: 'back-off',
  },
};

/** Transport failures that never reached a close frame or an HTTP status. */
export const TRANSPORT_ERRORS: Readonly<Record<string, CodeMeaning>> = {
  ECONNREFUSED: {
    name: 'Connection refused',
    meaning: 'Nothing is listening at that address: the server is down or the port is wrong.',
    action: 'back-off',
  },
  ECONNRESET: {
    name: 'Connection reset',
    meaning: 'The connection was reset by the other side or a proxy.',
    action: 'back-off',
  },
  ENOTFOUND: {
    name: 'Host not found',
    meaning: 'The host name does not resolve: check the URL or DNS.',
    action: 'back-off',
  },
  EHOSTUNREACH: {
    name: 'Host unreachable',
    meaning: 'The network cannot reach that host.',
    action: 'back-off',
  },
  ETIMEDOUT: {
    name: 'Timed out',
    meaning: 'The server did not answer in time.',
    action: 'back-off',
  },
  HANDSHAKE_TIMEOUT: {
    name: 'Handshake timeout',
    meaning: 'The server accepted the TCP connection but never answered the WebSocket upgrade.',
    action: 'back-off',
  },
};

function describeRange(code: number): CodeMeaning {
  if (code >= 4000 && code <= 4999) {
    return {
      name: `Application code ${code}`,
      meaning: `The server closed with its own code ${code}.`,
      action: 'back-off',
    };
  }
  if (code >= 3000 && code <= 3999) {
    return {
      name: `Registered code ${code}`,
      meaning: `The server closed with registered code ${code}.`,
      action: 'back-off',
    };
  }
  return {
    name: `Close code ${code}`,
    meaning: `The connection closed with code ${code}.`,
    action: 'back-off',
  };
}

/** Meaning of a close code, with dialect-specific overrides taking precedence. */
export function explainCloseCode(
  code: number,
  overrides?: Readonly<Record<number, CodeMeaning>>,
): CodeMeaning {
  return overrides?.[code] ?? CLOSE_CODES[code] ?? describeRange(code);
}

/** Meaning of a rejected upgrade's HTTP status, with dialect-specific overrides taking precedence. */
export function explainHandshakeStatus(
  status: number,
  overrides?: Readonly<Record<number, CodeMeaning>>,
): CodeMeaning {
  const known = overrides?.[status] ?? HANDSHAKE_STATUSES[status];
  if (known) return known;
  if (status >= 500)
    return {
      name: `HTTP ${status}`,
      meaning: `The server answered the upgrade with ${status}.`,
      action: 'back-off',
    };
  return {
    name: `HTTP ${status}`,
    meaning: `The server refused the upgrade with ${status}.`,
    action: 'stop',
  };
}

/** Meaning of a transport error code such as ECONNREFUSED. */
export function explainTransportError(code: string): CodeMeaning {
  return (
    TRANSPORT_ERRORS[code] ?? {
      name: code,
      meaning: `The connection failed (${code}).`,
      action: 'back-off',
    }
  );
}
