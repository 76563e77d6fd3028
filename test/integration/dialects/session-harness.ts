import { Session, type SessionPorts } from '../../../electron/core/connection/session';
import type { Dialect } from '../../../electron/core/dialects/dialect';
import { endpointSchema, type EndpointInput } from '../../../shared/config/endpoint';
import type { StateChange } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';

/** A session under test with everything it emitted, stopped by `cleanup`. */
export interface Tracked {
  session: Session;
  states: StateChange[];
  events: LiveEvent[];
  kinds(): string[];
}

/** Build and start a real Session for a dialect against a double, with fast backoff. */
export function startSession(
  dialect: Dialect,
  input: Partial<EndpointInput> & Pick<EndpointInput, 'url'>,
  ports: SessionPorts = {},
  cleanups: Array<() => Promise<void> | void>,
): Tracked {
  const endpoint = endpointSchema.parse({
    id: 'e2e',
    name: 'E2E',
    dialect: dialect.id,
    backoff: { minMs: 20, maxMs: 200, factor: 2, stableAfterMs: 5_000 },
    handshakeTimeoutMs: 2_000,
    ...input,
  });
  const session = new Session({ endpoint, dialect, ports });
  const states: StateChange[] = [];
  const events: LiveEvent[] = [];
  session.on('state', (c) => states.push(c));
  session.on('events', (e) => events.push(...e));
  cleanups.push(() => session.stop());
  session.start();
  return { session, states, events, kinds: () => events.map((e) => e.kind) };
}
