import { LOOKOUT_CLOSE } from '../../../shared/close-codes';
import type { Revocation } from '../auth/auth-state';
import type { ClientConnection } from './client-connection';

/**
 * The client sockets of one instance: the open ones (for caps, stats, revocation and drain), the
 * ones still flushing after their close (for the send-buffer gauges), and the count per user.
 */
export class ConnectionRegistry {
  private readonly open = new Set<ClientConnection>();
  /** Every accepted socket until it is really gone (a closed one may still hold unsent bytes). */
  private readonly sockets = new Set<ClientConnection>();
  private readonly perUser = new Map<string, number>();

  get size(): number {
    return this.open.size;
  }

  /** Open sockets of one user on this instance. */
  countOf(sub: string): number {
    return this.perUser.get(sub) ?? 0;
  }

  /** A socket accepted (`gone` is to be called when its transport has closed for good). */
  add(connection: ClientConnection): void {
    this.open.add(connection);
    this.sockets.add(connection);
    const sub = connection.principal.sub;
    this.perUser.set(sub, (this.perUser.get(sub) ?? 0) + 1);
  }

  /** A socket's transport has closed for good: it holds no unsent bytes any more. */
  gone(connection: ClientConnection): void {
    this.sockets.delete(connection);
  }

  /** A socket ended (closed by either side); idempotent. */
  remove(connection: ClientConnection): void {
    if (!this.open.delete(connection)) return;
    const sub = connection.principal.sub;
    const n = (this.perUser.get(sub) ?? 1) - 1;
    if (n > 0) this.perUser.set(sub, n);
    else this.perUser.delete(sub);
  }

  /** Subscriptions held by the open sockets. */
  subscriptions(): number {
    let n = 0;
    for (const c of this.open) n += c.subscriptionCount;
    return n;
  }

  /** Bytes queued on every socket (closing ones too) and the largest queue. */
  sendBuffers(): { total: number; largest: number } {
    let total = 0;
    let largest = 0;
    for (const c of this.sockets) {
      const queued = c.bufferedBytes;
      total += queued;
      if (queued > largest) largest = queued;
    }
    return { total, largest };
  }

  /** Open sockets of one user. */
  ofUser(sub: string): ClientConnection[] {
    return [...this.open].filter((c) => c.principal.sub === sub);
  }

  /** Close the sockets a revocation covers (it may come from another instance). */
  closeRevoked(revocation: Revocation, isRevoked: (c: ClientConnection) => boolean): void {
    for (const c of [...this.open]) {
      const covered =
        revocation.kind === 'session'
          ? c.principal.sid === revocation.sid
          : c.principal.sub === revocation.sub && isRevoked(c);
      if (covered) c.close(LOOKOUT_CLOSE.TOKEN_REVOKED, 'session revoked: sign in again');
    }
  }

  /** Close every open socket now with one code. */
  closeAll(code: number, reason: string): void {
    for (const c of [...this.open]) c.close(code, reason);
  }

  /** A copy of the open sockets (for a drain, which closes them over time). */
  snapshot(): ClientConnection[] {
    return [...this.open];
  }
}
