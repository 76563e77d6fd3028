import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** Per-attempt options decided before the socket is constructed. */
export interface SocketPlan {
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  /** Hard cap enforced by ws (closes 1009); the session's own soft cap rejects smaller frames first. */
  maxPayloadBytes: number;
}

/** What the socket learned that its `close` event does not carry. */
export interface SocketFacts {
  handshakeStatus?: number;
  handshakeHeaders?: IncomingMessage['headers'];
  upgradeHeaders?: IncomingMessage['headers'];
  transportError?: { code: string; message: string };
}

/**
 * A `ws` socket with the attempt's headers and limits that records the handshake status and
 * headers of a rejected upgrade (which ws would otherwise reduce to an error message), the
 * upgrade's headers, and the first transport error.
 */
export class InstrumentedSocket extends WebSocket {
  readonly facts: SocketFacts = {};

  constructor(url: string, protocols: string | string[] | undefined, plan: SocketPlan) {
    super(url, protocols ?? [], {
      headers: plan.headers,
      handshakeTimeout: plan.handshakeTimeoutMs,
      maxPayload: plan.maxPayloadBytes,
      followRedirects: false,
      perMessageDeflate: false,
    });
    this.on('unexpected-response', (_req, res) => {
      this.facts.handshakeStatus = res.statusCode;
      this.facts.handshakeHeaders = res.headers;
      res.resume();
      // Abort the handshake ourselves (having a listener means ws leaves it to us): error + close 1006 follow.
      this.terminate();
    });
    this.on('upgrade', (res) => {
      this.facts.upgradeHeaders = res.headers;
    });
    this.on('error', (error: Error & { code?: string }) => {
      this.facts.transportError ??= { code: errorCode(error), message: error.message };
    });
  }
}

function errorCode(error: Error & { code?: string }): string {
  if (error.code) return error.code;
  if (/handshake has timed out/i.test(error.message)) return 'HANDSHAKE_TIMEOUT';
  return 'ERROR';
}
