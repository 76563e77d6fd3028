/** A ws subclass that records what each handshake sent and got (status, headers, ping RTT). */
import type { ClientRequest, IncomingMessage } from 'node:http';
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
  /** The upgrade request as it went out (raw: the session redacts it when recording). */
  request?: { method: string; target: string; headers: Record<string, string | string[]> };
  /** The server's answer: status line, and the start of a refusal's body (raw). */
  response?: { status: number; statusText: string; body?: string; bodyTruncated?: boolean };
}

/** How much of a refused upgrade's body is kept, and how long it is waited for. */
export const REFUSAL_BODY_BYTES = 1_024;
const REFUSAL_BODY_WAIT_MS = 1_000;

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
    // The request as built, with the headers ws adds (key, version, host): ws keeps it as `_req`
    // while connecting and hands it to no public event on success. Without it (another ws
    // version), the session keeps the headers it planned.
    const req = (this as unknown as { _req?: ClientRequest | null })._req;
    if (req && typeof req.getHeaders === 'function') this.facts.request = requestOf(req);
    this.on('unexpected-response', (req, res) => {
      this.facts.handshakeStatus = res.statusCode;
      this.facts.handshakeHeaders = res.headers;
      this.facts.request = requestOf(req);
      this.facts.response = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' };
      // Keep the first KB of the refusal's body (what the server says is wrong), then abort the
      // handshake ourselves (having a listener means ws leaves it to us): error + close 1006 follow.
      readHead(res, REFUSAL_BODY_BYTES, REFUSAL_BODY_WAIT_MS, (body, truncated) => {
        if (this.facts.response)
          this.facts.response = {
            ...this.facts.response,
            ...(body ? { body } : {}),
            ...(truncated ? { bodyTruncated: true } : {}),
          };
        this.terminate();
      });
    });
    this.on('upgrade', (res) => {
      this.facts.upgradeHeaders = res.headers;
      this.facts.response = { status: res.statusCode ?? 101, statusText: res.statusMessage ?? '' };
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

function requestOf(req: ClientRequest): NonNullable<SocketFacts['request']> {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.getHeaders())) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value : String(value);
  }
  return { method: req.method, target: req.path, headers };
}

/** Up to `max` bytes of a response body (or what came within `waitMs`); the rest is discarded. */
function readHead(
  res: IncomingMessage,
  max: number,
  waitMs: number,
  done: (body: string, truncated: boolean) => void,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let finished = false;
  const finish = (truncated: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    res.removeAllListeners('data');
    res.resume();
    done(Buffer.concat(chunks).subarray(0, max).toString('utf8'), truncated);
  };
  const timer = setTimeout(() => finish(false), waitMs);
  timer.unref?.();
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > max) finish(true);
  });
  res.on('end', () => finish(false));
  res.on('error', () => finish(false));
  res.on('close', () => finish(false));
}
