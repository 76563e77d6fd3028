import type { DialectId } from '../../../shared/config/endpoint';
import { endpointSchema } from '../../../shared/config/endpoint';
import { DIALECTS } from '../../../electron/core/dialects';
import type { DialectCodec } from '../../../electron/core/dialects/dialect';

/**
 * Valid frames of every dialect (as their backends send them), the starting points the fuzzers
 * mutate: a mutated valid frame reaches deep into a codec's schema checks, where random bytes
 * would stop at `non-json`.
 */

const URLS: Record<DialectId, string> = {
  lookout: 'ws://127.0.0.1:8080/ws',
  sakura: 'ws://127.0.0.1:8002/ws/dashboard',
  'stats-stream': 'ws://127.0.0.1:8000/ws/stats',
  'task-events': 'ws://127.0.0.1:8004/ws',
  'task-status': 'ws://127.0.0.1:8001/ws',
  'django-channels': 'ws://localhost:8000/ws/dashboard/',
};

/** A fresh codec of a dialect, configured as a user would (task-events needs its user id). */
export function codecFor(
  id: DialectId,
  variant: 'default' | 'notifications' = 'default',
): DialectCodec {
  const url = variant === 'notifications' ? 'ws://localhost:8000/ws/notifications/' : URLS[id];
  const endpoint = endpointSchema.parse({
    id: `fuzz-${id}`,
    name: `Fuzz ${id}`,
    dialect: id,
    url,
    params: id === 'task-events' ? { userId: 'user-123' } : {},
  });
  const codec = DIALECTS[id].create(endpoint);
  // Codecs that route by active subscription need them, as after a real open.
  codec.onOpen();
  for (const channel of DIALECTS[id].defaultSubscriptions) codec.subscribe(channel);
  if (id === 'task-status') codec.subscribe('t-1');
  return codec;
}

/** Every codec shape under test: six dialects, django-channels on both of its sockets. */
export const FUZZ_TARGETS: ReadonlyArray<{
  name: string;
  dialect: DialectId;
  variant: 'default' | 'notifications';
}> = [
  { name: 'lookout', dialect: 'lookout', variant: 'default' },
  { name: 'sakura', dialect: 'sakura', variant: 'default' },
  { name: 'stats-stream', dialect: 'stats-stream', variant: 'default' },
  { name: 'task-events', dialect: 'task-events', variant: 'default' },
  { name: 'task-status', dialect: 'task-status', variant: 'default' },
  { name: 'django-channels (dashboard)', dialect: 'django-channels', variant: 'default' },
  { name: 'django-channels (notifications)', dialect: 'django-channels', variant: 'notifications' },
];

const business = {
  id: 17,
  name: 'Acme',
  subdomain: 'acme',
  is_active: true,
  subscription_status: 'trial',
  updated_at: '2026-11-22T21:56:50.081114Z',
};

/** Valid frames per dialect; every one decodes without rejection before mutation. */
export const SEEDS: Record<DialectId, ReadonlyArray<Record<string, unknown>>> = {
  lookout: [
    {
      type: 'hello',
      protocol: 1,
      serverTime: 1_700_000_000_000,
      connectionId: 'c1',
      instanceId: 'gw-1',
      heartbeatMs: 15_000,
      limits: { maxPayloadBytes: 65_536, maxSubscriptions: 100, ratePerSecond: 20, rateBurst: 40 },
      user: { sub: 'admin@lookout.local', role: 'super_admin' },
      tokenExpiresAt: 1_700_000_900,
    },
    { type: 'subscribed', channel: 'dashboard', head: 3, replayed: 0 },
    {
      type: 'event',
      channel: 'dashboard',
      seq: 4,
      id: 'dashboard:4',
      kind: 'business.created',
      severity: 'info',
      title: 'New business',
      body: 'Acme',
      time: 1_700_000_000_000,
      data: { business: { id: 1, name: 'Acme' }, tags: ['a', 'b'] },
      link: 'businesses/1',
    },
    { type: 'reset', channel: 'dashboard', head: 9, reason: 'history trimmed' },
    { type: 'pong', t: 1_700_000_000_000, serverTime: 1_700_000_000_010 },
    { type: 'heartbeat', serverTime: 1_700_000_000_000 },
    { type: 'error', code: 'forbidden', message: 'no', channel: 'stats' },
  ],
  sakura: [
    { type: 'connected', connection_id: 'abc' },
    { type: 'subscribed', subscription_type: 'chat_updates' },
    { type: 'pong', timestamp: '2026-11-22T21:54:17.536670' },
    { type: 'error', message: 'Unknown action: None' },
    {
      type: 'chat_updates',
      data: { chat_id: 'c-1', message_role: 'user', timestamp: '2026-11-22T21:54:17.536670' },
    },
    {
      type: 'chat_updates',
      data: {
        users: [{ id: 1, chats: [{ status: 'active', messages: [{ m: 1 }] }] }],
        timestamp: '2026-11-22T21:54:17.536670',
      },
    },
    { type: 'unread_counts', data: { counts: { inbox: 3, other: 1 }, timestamp: 'x' } },
    { type: 'website_status', data: { status: 'down', website: 'shop.example' } },
    { chat_id: 9, message_role: 'assistant' },
  ],
  'stats-stream': [
    {
      type: 'stats_update',
      total_messages: 1234,
      queue_depth: 12,
      messages_per_second: 45,
      total_batches: 25,
      avg_batch_size: 49.3,
      batch_threshold: 50,
      batch_progress: 20,
      batch_progress_percent: 40.0,
      batches_ready: 0,
    },
    {
      type: 'batch_persisted',
      ids: [1, 2, 3],
      batch_id: '1a2b3c4d',
      batch_size: 3,
      worker_timestamp: '2026-11-22T21:54:17.536670',
    },
  ],
  'task-events': [
    { type: 'connected', user_id: 'user-123' },
    { type: 'pong' },
    {
      type: 'task_update',
      event: {
        event_type: 'task.created',
        user_id: 'user-123',
        task_id: '456',
        title: 'New Task',
        timestamp: '2026-02-07T12:00:00.000Z',
      },
      timestamp: '2026-02-07T12:00:00.100Z',
    },
  ],
  'task-status': [
    { type: 'subscribed', task_id: 't-1', message: 'ok' },
    { type: 'error', error: 'Invalid JSON format' },
    {
      type: 'status_update',
      task_id: 't-1',
      data: { status: 'processing', progress: 40, message: 'Fetching…' },
    },
    { type: 'status_update', task_id: 't-1', data: { status: 'failed', progress: 100 } },
  ],
  'django-channels': [
    { type: 'connection_established' },
    { type: 'pong' },
    {
      type: 'business_created',
      payload: { business, message: 'New business "Acme" created' },
      timestamp: '2026-11-22 21:56:50.081114+00:00',
    },
    {
      type: 'reservation_created',
      payload: { reservation: { id: 5, business: 17 }, business_name: 'Acme', message: 'x' },
      timestamp: '2026-11-22 21:56:50.081114+00:00',
    },
  ],
};

/** Seeds for the notifications socket of django-channels (free-form objects). */
export const NOTIFICATION_SEEDS: ReadonlyArray<Record<string, unknown>> = [
  { id: 7, type: 'system', title: 'Maintenance', message: 'Tonight', severity: 'warning' },
  { title: 'Hello', created_at: '2026-11-22T21:56:50Z' },
];

export function seedsFor(target: { dialect: DialectId; variant: string }) {
  return target.variant === 'notifications' ? NOTIFICATION_SEEDS : SEEDS[target.dialect];
}
