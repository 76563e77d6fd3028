import { expect } from 'vitest';
import { Session, type SessionPorts } from '../../electron/core/connection/session';
import { lookoutDialect } from '../../electron/core/dialects/lookout';
import { AppModel } from '../../electron/core/state/app-model';
import { endpointSchema, type EndpointInput } from '../../shared/config/endpoint';
import type { StateChange } from '../../shared/model/connection';
import type { LiveEvent } from '../../shared/model/live-event';
import {
  createGateway,
  silentGatewayLogger,
  type Gateway,
  type GatewayAddress,
  type GatewayOptions,
} from '../../gateway/src';

/**
 * What the fault tests share: gateways that can be stopped and started again on the same port
 * over one event log, and a client that is the real engine (Session + lookout codec) feeding the
 * real model (AppModel), recording every event the session emitted so exactly-once is checked
 * before the store's own dedupe could hide a duplicate.
 */

export const SECRET = 'reliability-secret-long-enough-0123456789';
export const ADMIN = { sub: 'admin@lookout.local', role: 'super_admin' } as const;

/** A gateway at a fixed port that can be killed and brought back, keeping its options. */
export class RestartableGateway {
  gateway: Gateway | null = null;
  address: GatewayAddress | null = null;
  starts = 0;

  constructor(private readonly options: GatewayOptions) {}

  get port(): number {
    return this.address?.port ?? 0;
  }

  async start(): Promise<GatewayAddress> {
    const gateway = createGateway({
      secret: SECRET,
      logger: silentGatewayLogger,
      ...this.options,
      port: this.address?.port ?? this.options.port ?? 0,
    });
    this.gateway = gateway;
    this.address = await gateway.start();
    this.starts++;
    return this.address;
  }

  async stop(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = null;
    await gateway?.stop();
  }
}

/** The engine and the model, as LookoutCore wires them, with a record of what was emitted. */
export class RecordingClient {
  readonly session: Session;
  readonly store = new AppModel();
  readonly emitted: LiveEvent[] = [];
  readonly states: StateChange[] = [];

  constructor(input: Partial<EndpointInput> & { url: EndpointInput['url'] }, ports: SessionPorts) {
    const endpoint = endpointSchema.parse({
      id: 'gw',
      name: 'Gateway',
      dialect: 'lookout',
      subscriptions: ['dashboard'],
      backoff: { minMs: 50, maxMs: 400, factor: 2, stableAfterMs: 2_000 },
      handshakeTimeoutMs: 2_000,
      ...input,
    });
    this.session = new Session({ endpoint, dialect: lookoutDialect, ports });
    this.session.on('events', (events) => {
      this.emitted.push(...events);
      this.store.apply(events);
    });
    this.session.on('state', (change) => this.states.push(change));
  }

  /** Channel seqs the session emitted, in order. */
  seqs(channel = 'dashboard'): number[] {
    return this.emitted.filter((e) => e.channel === channel).map((e) => e.seq ?? -1);
  }

  /** Notification ids in the bell. */
  bell(): string[] {
    return this.store.snapshot().notifications.map((n) => n.id);
  }
}

/** Every one of seqs 1..n emitted exactly once, in order, and each in the bell exactly once. */
export function expectExactlyOnce(client: RecordingClient, n: number, channel = 'dashboard'): void {
  const seqs = client.seqs(channel);
  expect(seqs.length, 'events emitted').toBe(n);
  expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  const bell = client.store
    .snapshot()
    .notifications.filter((n) => n.channels?.includes(channel))
    .map((n) => n.id);
  expect(new Set(bell).size, 'distinct bell entries').toBe(bell.length);
  expect(bell.length, 'bell entries').toBe(n);
}

/** Credentials that always answer the same token. */
export const fixedToken = (token: string): SessionPorts['credentials'] => ({
  getCredentials: async () => ({ token }),
});
