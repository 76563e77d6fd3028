import { endpointSchema, type EndpointInput } from '../../shared/config/endpoint';

/** A lookout-dialect endpoint config for the codec's tests (token auth, overridable). */
export function lookoutEndpoint(overrides: Partial<EndpointInput> = {}) {
  return endpointSchema.parse({
    id: 'gw',
    name: 'Gateway',
    dialect: 'lookout',
    url: 'ws://127.0.0.1:1/ws',
    auth: { method: 'token', credentialRef: 'gw-token' },
    ...overrides,
  });
}

/** One wire frame as the gateway writes it. */
export const frame = (f: Record<string, unknown>): string => JSON.stringify(f);

/** A `dashboard` event frame with sequence number `seq`, fields overridable. */
export const lookoutEvent = (seq: number, extra: Record<string, unknown> = {}): string =>
  frame({
    type: 'event',
    channel: 'dashboard',
    seq,
    id: `dashboard:${seq}`,
    kind: 'business.created',
    severity: 'info',
    title: 'New business',
    body: 'Acme',
    time: 1_700_000_000_000,
    data: { business: { id: 1 } },
    ...extra,
  });
