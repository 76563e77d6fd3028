import WebSocket from 'ws';
import { waitFor } from '../support/wait';

/** Outcome of an upgrade attempt made by a plain `ws` client. */
export type Dial = { ok: true; client: TestClient } | { ok: false; status: number };

/** A plain `ws` client that records everything, for conformance tests of the doubles. */
export class TestClient {
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | null = null;
  pings = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.texts.push(data.toString()));
    ws.on('ping', () => this.pings++);
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    ws.on('error', () => {});
  }

  /** Parsed JSON messages (non-JSON kept as text). */
  get messages(): unknown[] {
    return this.texts.map((t) => {
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Wait for a message matching `pred` (bounded), returning it. */
  async next<T = Record<string, unknown>>(
    pred: (m: Record<string, unknown>) => boolean,
    timeoutMs = 5_000,
  ): Promise<T> {
    return (await waitFor(
      () =>
        this.messages.find(
          (m) =>
            typeof m === 'object' &&
            m !== null &&
            !Array.isArray(m) &&
            pred(m as Record<string, unknown>),
        ),
      { timeoutMs, what: 'a matching message' },
    )) as T;
  }

  async waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { timeoutMs, what: 'close' });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }
}

/** Dial a URL and report either the open client or the HTTP status of a refused upgrade. */
export function dial(
  url: string,
  headers: Record<string, string> = {},
  autoPong = true,
): Promise<Dial> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, autoPong });
    const client = new TestClient(ws);
    ws.once('open', () => resolve({ ok: true, client }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ok: false, status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

/** Dial and insist the upgrade succeeds. */
export async function open(
  url: string,
  headers: Record<string, string> = {},
  autoPong = true,
): Promise<TestClient> {
  const d = await dial(url, headers, autoPong);
  if (!d.ok) throw new Error(`upgrade refused with ${d.status}`);
  return d.client;
}
