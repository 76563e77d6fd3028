import WebSocket from 'ws';
import { waitFor } from './wait';

/** Outcome of an upgrade attempt: open socket, or the HTTP status that refused it. */
export type OpenResult =
  { ok: true; client: TestClient } | { ok: false; status: number; body: string };

/**
 * A plain `ws` client for gateway tests: records every frame and the close, with bounded waits.
 */
export class TestClient {
  readonly frames: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      } catch {
        this.frames.push({ type: '__unparsable__' });
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    ws.on('error', () => undefined);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Frames of one type (optionally one channel). */
  of(type: string, channel?: string): Array<Record<string, unknown>> {
    return this.frames.filter(
      (f) => f.type === type && (channel === undefined || f.channel === channel),
    );
  }

  /** Wait for the n-th frame matching `pred` (1-based) and return it. */
  async waitFrame(
    pred: (f: Record<string, unknown>) => boolean,
    n = 1,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    return waitFor(() => this.frames.filter(pred)[n - 1], { timeoutMs, what: 'a frame' });
  }

  async waitClose(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { timeoutMs, what: 'close' });
  }

  /** Subscribe and wait for the ack (or an error for that channel); `epoch` goes with `since`. */
  async subscribe(
    channel: string,
    since?: number,
    epoch?: string,
  ): Promise<Record<string, unknown>> {
    const before = this.frames.length;
    this.send(
      since === undefined
        ? { type: 'subscribe', channel }
        : { type: 'subscribe', channel, since, ...(epoch === undefined ? {} : { epoch }) },
    );
    return waitFor(
      () =>
        this.frames
          .slice(before)
          .find((f) => (f.type === 'subscribed' || f.type === 'error') && f.channel === channel),
      { what: `ack of ${channel}` },
    );
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }
}

/** Open a socket; resolves with the client (after `hello`) or the refusing HTTP status. */
export function open(
  url: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<OpenResult> {
  const headers = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 5_000 });
    const client = new TestClient(ws);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
    });
    ws.once('open', () => {
      waitFor(() => client.of('hello')[0], { what: 'hello' }).then(
        () => resolve({ ok: true, client }),
        reject,
      );
    });
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.OPEN) setTimeout(() => reject(error), 50);
    });
  });
}

/** Open and insist on success. */
export async function connect(
  url: string,
  token: string,
  headers?: Record<string, string>,
): Promise<TestClient> {
  const result = await open(url, { token, headers });
  if (!result.ok) throw new Error(`upgrade refused with ${result.status}: ${result.body}`);
  return result.client;
}

/** JSON over HTTP, answering status and parsed body. */
export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}
