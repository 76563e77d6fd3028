import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { parseRequestTarget, queryParams } from '../../../shared/http/request-target';
import type { AuthService } from '../auth/auth-service';
import type { ClientAddresses } from '../auth/client-address';
import { TokenError, type Principal, type TokenService } from '../auth/tokens';
import { answerSocket, bearerToken } from '../http/http-util';
import type { GatewayLogger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import { ClientConnection, type ConnectionContext } from './client-connection';
import type { ConnectionRegistry } from './connection-registry';

/** What the upgrade path works with; the gateway builds it once. */
export interface UpgradeDeps {
  metrics: GatewayMetrics;
  logger: GatewayLogger;
  tokens: TokenService;
  auth: AuthService;
  addresses: ClientAddresses;
  registry: ConnectionRegistry;
  context: ConnectionContext;
  allowedOrigins: ReadonlySet<string>;
  maxConnections: number;
  maxConnectionsPerUser: number;
  /** Largest WebSocket message a client may send, bytes (larger ones close the socket). */
  maxPayload: number;
  /** Why new clients are refused right now (draining), or null. */
  refusing(): string | null;
  /** True once stop() began. */
  stopping(): boolean;
}

/**
 * `GET /ws`: every check an upgrade passes, cheapest first (target, path, method, Origin,
 * draining, capacity, token, revocation, the per-user cap), then the socket becomes a
 * `ClientConnection`. Each refusal is an HTTP answer with a JSON reason, counted under
 * `handshake.<reason>`. It owns the WebSocket server that completes the upgrades it accepts,
 * open while the gateway listens.
 */
export class UpgradeHandler {
  private wss: WebSocketServer | null = null;

  constructor(private readonly deps: UpgradeDeps) {}

  /** Accept upgrades from now on (the server is about to listen). */
  open(): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.deps.maxPayload });
  }

  /** Accept no more upgrades (the server has closed). */
  close(): void {
    this.wss?.close();
    this.wss = null;
  }

  /** The server's `upgrade` listener (wrapped by `totalHandler`). */
  readonly handle = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const { deps } = this;
    socket.on('error', this.countSocketError);
    const target = parseRequestTarget(req.url);
    if (!target.ok) return this.reject(socket, 400, 'bad-target', target.reason, 'badTarget');
    if (target.path !== '/ws')
      return this.reject(socket, 404, 'not-found', 'the WebSocket endpoint is /ws', 'notFound');
    if (req.method !== 'GET')
      return this.reject(socket, 405, 'method-not-allowed', 'upgrade with GET /ws', 'badMethod');
    const origin = req.headers.origin;
    if (origin && deps.allowedOrigins.size > 0 && !deps.allowedOrigins.has(origin))
      return this.reject(
        socket,
        403,
        'origin-not-allowed',
        'this Origin may not connect',
        'originRejected',
      );
    const refusing = deps.refusing();
    if (refusing)
      return this.reject(
        socket,
        503,
        'draining',
        `${refusing}: connect to another instance`,
        'draining',
        { 'Retry-After': '1' },
      );
    if (deps.registry.size >= deps.maxConnections)
      return this.reject(
        socket,
        503,
        'at-capacity',
        'the gateway is at capacity; try again later',
        'atCapacity',
      );
    const query = queryParams(target.rawQuery);
    const token =
      bearerToken(req.headers.authorization) ??
      query.get('token') ??
      query.get('access_token') ??
      undefined;
    let principal: Principal;
    try {
      principal = await deps.tokens.verifyAccess(token);
    } catch (error) {
      const reason = error instanceof TokenError ? error.reason : 'invalid';
      return this.reject(
        socket,
        401,
        `token-${reason}`,
        `access token ${reason}`,
        `unauthorized.${reason}`,
      );
    }
    const refusal = await deps.auth.upgradeRefusal(principal);
    if (refusal)
      return this.reject(
        socket,
        401,
        'token-revoked',
        `${refusal}; sign in again`,
        'unauthorized.revoked',
      );
    const wss = this.wss;
    if (socket.destroyed) return;
    if (deps.stopping() || !wss)
      // Authenticated while the gateway stopped: accepting it now would leave a connection that
      // gets no events and keeps stop() waiting for it forever. The client retries elsewhere.
      return this.reject(
        socket,
        503,
        'restarting',
        'the gateway is restarting; retry',
        'restarting',
      );
    // Checked and counted with no await in between (handleUpgrade calls back synchronously), so
    // simultaneous upgrades of one user cannot all slip under the cap.
    if (deps.registry.countOf(principal.sub) >= deps.maxConnectionsPerUser)
      return this.reject(
        socket,
        429,
        'too-many-connections',
        `this user already has ${deps.maxConnectionsPerUser} connections to this instance; close one`,
        'perUserLimit',
        { 'Retry-After': '10' },
      );
    const address = deps.addresses.of(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ClientConnection(
        ws,
        socket,
        randomUUID(),
        principal,
        deps.context,
        address,
      );
      deps.registry.add(connection);
      deps.metrics.count('connections.accepted');
      connection.start();
    });
  };

  /**
   * One listener for every socket's errors: a closure per upgrade would hold the upgrade's whole
   * scope (socket, principal, address) for as long as the connection lives (issue 23, memory).
   */
  private readonly countSocketError = (): void => this.deps.metrics.count('handshake.socketErrors');

  /** Last line of the upgrade path: answer 500 and close, never crash. */
  readonly failed = (error: unknown, _req: IncomingMessage, socket: Duplex): void => {
    this.deps.metrics.count('handshake.internalErrors');
    this.deps.logger.error('upgrade handler failed', { error: String(error) });
    answerSocket(socket, 500, 'internal', 'internal error');
  };

  private reject(
    socket: Duplex,
    status: number,
    error: string,
    message: string,
    counter: string,
    headers: Record<string, string> = {},
  ): void {
    this.deps.metrics.count(`handshake.${counter}`);
    answerSocket(socket, status, error, message, {
      ...(status === 401 ? { 'WWW-Authenticate': 'Bearer realm="lookout"' } : {}),
      ...headers,
    });
  }
}
