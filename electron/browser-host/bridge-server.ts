import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeWire, InvokeChannel, SendChannel } from '../../shared/ipc/contract';
import type { Logger } from '../core/kernel/ports';
import type { LookoutCoreApi } from '../core/app/core-api';
import { IpcRejectedError } from '../core/ipc/ipc-router';
import { parseRequestTarget } from '../../shared/http/request-target';
import { isAllowedHost, requestedHost } from './static-server';

/** A renderer message larger than this is refused (the biggest legitimate one is an endpoint form). */
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * The browser host's IPC gateway: the typed contract over a loopback WebSocket at `/bridge`.
 * Only a page served by us (Origin and Host checked) that presents this launch's secret (as the
 * `lookout.<secret>` subprotocol) gets in. It only checks who is talking: the core validates every
 * message against the contract (its IPC router) before anything happens.
 */
export class BridgeServer {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<WebSocket>();
  private readonly unsubscribe: () => void;
  rejected = 0;

  constructor(
    private readonly core: LookoutCoreApi,
    private readonly secret: string,
    private readonly port: () => number,
    private readonly logger: Logger,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      handleProtocols: (protocols) => {
        for (const p of protocols) if (this.secretMatches(p)) return p;
        return false;
      },
    });
    this.unsubscribe = core.onPush((channel, payload) => {
      const text = JSON.stringify({ kind: 'push', channel, payload } satisfies BridgeWire);
      for (const client of this.clients) if (client.readyState === client.OPEN) client.send(text);
    });
  }

  private secretMatches(protocol: string): boolean {
    return protocol.startsWith('lookout.') && this.keyMatches(protocol.slice('lookout.'.length));
  }

  /** Whether `key` is this host's secret (constant time). */
  keyMatches(key: string): boolean {
    const given = Buffer.from(key);
    const expected = Buffer.from(this.secret);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Called for every HTTP upgrade on the host's server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const port = this.port();
    const origin = req.headers.origin;
    const target = parseRequestTarget(req.url);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    const refuse = (status: number, why: string) => {
      this.rejected += 1;
      this.logger.warn('bridge connection refused', { status, why });
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!target.ok) return refuse(400, 'Bad Request');
    if (target.path !== '/bridge') return refuse(404, 'Not Found');
    if (!isAllowedHost(requestedHost(target.authority, req.headers.host), port))
      return refuse(421, 'Misdirected Request');
    if (req.method !== 'GET') return refuse(405, 'Method Not Allowed');
    if (origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
      return refuse(403, 'Forbidden');
    if (!offered.some((p) => this.secretMatches(p))) return refuse(401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      void this.dispatch(ws, data.toString());
    });
  }

  private async dispatch(ws: WebSocket, text: string): Promise<void> {
    let wire: BridgeWire;
    try {
      wire = JSON.parse(text) as BridgeWire;
    } catch {
      this.rejected += 1;
      return;
    }
    if (wire?.kind === 'send') {
      try {
        if (!this.core.send(wire.channel as SendChannel, wire.payload as never)) this.rejected += 1;
      } catch (error) {
        this.rejected += 1;
        this.logger.error('bridge send handler failed', { error: describeError(error) });
      }
      return;
    }
    if (wire?.kind !== 'invoke' || typeof wire.id !== 'number') {
      this.rejected += 1;
      return;
    }
    const reply = (result: BridgeWire) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(result));
    };
    try {
      const value = await this.core.invoke(wire.channel as InvokeChannel, wire.request as never);
      reply({ kind: 'result', id: wire.id, ok: true, value });
    } catch (error) {
      this.rejected += 1;
      reply({ kind: 'result', id: wire.id, ok: false, error: describeError(error) });
    }
  }

  close(): void {
    this.unsubscribe();
    for (const client of this.clients) client.close(1001, 'Lookout is shutting down');
    this.wss.close();
  }
}

/** Refused payloads and zod errors become "field: problem" lines; everything else its message. */
function describeError(error: unknown): string {
  if (error instanceof IpcRejectedError && error.reason === 'invalid-payload')
    return `Invalid request: ${error.detail}`;
  if (
    error &&
    typeof error === 'object' &&
    'issues' in error &&
    Array.isArray((error as { issues: unknown[] }).issues)
  ) {
    const issues = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return `Invalid request: ${issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`;
  }
  return error instanceof Error ? error.message : String(error);
}
