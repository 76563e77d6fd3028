/** A ws subclass that records what each handshake sent and got (status, headers, ping RTT). */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { TransportFacts } from '../../../shared/model/transport';
import type { TransportAgent } from '../transport/transport-agent';
import { TransportError } from '../transport/transport-error';

/** Per-attempt options decided before the socket is constructed. */
export interface SocketPlan {
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  /** Hard cap enforced by ws (closes 1009); the session's own soft cap rejects smaller frames first. */
  maxPayloadBytes: number;
  /** How to reach the server (proxy, trust): the endpoint's transport, a fresh agent per attempt. */
  agent?: TransportAgent;
}

/** What the socket learned that its `close` event does not carry. */
export interface SocketFacts {
  handshakeStatus?: number;
  handshakeHeaders?: IncomingMessage['headers'];
  upgradeHeaders?: IncomingMessage['headers'];
  transportError?: { code: string; message: string };
  /** The route taken and the server's certificate chain (or why neither worked out). */
  transport?: TransportFacts;
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
      ...(plan.agent ? { agent: plan.agent } : {}),
    });
    const agent = plan.agent;
    this.on('unexpected-response', (_req, res) => {
      this.facts.handshakeStatus = res.statusCode;
      this.facts.handshakeHeaders = res.headers;
      res.resume();
      // Abort the handshake ourselves (having a listener means ws leaves it to us): error + close 1006 follow.
      this.terminate();
    });
    this.on('upgrade', (res) => {
      this.facts.upgradeHeaders = res.headers;
      if (agent?.facts) this.facts.transport = agent.facts;
    });
    this.on('error', (error: Error & { code?: string }) => {
      this.facts.transportError ??= { code: errorCode(error), message: error.message };
      if (error instanceof TransportError) this.facts.transport ??= error.facts;
      else if (agent?.facts) this.facts.transport ??= agent.facts;
    });
  }
}

function errorCode(error: Error & { code?: string }): string {
  if (error.code) return error.code;
  if (/handshake has timed out/i.test(error.message)) return 'HANDSHAKE_TIMEOUT';
  return 'ERROR';
}
