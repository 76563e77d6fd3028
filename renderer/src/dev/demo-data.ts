import type { EndpointSummary, InitialState } from '../../../shared/ipc/contract';
import {
  DEFAULT_LIMITS,
  type AppPatch,
  type BusinessItem,
  type NotificationItem,
  type ReservationItem,
  type TaskItem,
  type TaskStatus,
} from '../../../shared/model/app-state';
import type {
  AttemptRecord,
  FrameRecord,
  SessionDiagnostics,
  StateChange,
} from '../../../shared/model/connection';
import type { AuthState, DeliveryHealth, EndpointHealth } from '../../../shared/model/health';
import type { EventKind, Severity, StatsSample } from '../../../shared/model/live-event';
import { defaultNotifyPrefs } from '../../../shared/model/notify-prefs';
import { defaultAppSettings } from '../../../shared/model/settings';

/**
 * Realistic, deterministic demo data for the fake bridge: four endpoints in different states
 * (healthy, reconnecting, needing sign-in, silent), a bell history, businesses, tasks and stats.
 */

/** A small seeded PRNG (mulberry32) so screenshots and tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEMO_ENDPOINTS: EndpointSummary[] = [
  {
    id: 'demo',
    name: 'Demo gateway',
    dialect: 'lookout',
    url: 'ws://127.0.0.1:8765/ws',
    enabled: true,
    auth: 'password-jwt as admin@lookout.local',
    authMethod: 'password-jwt',
    hasSecret: true,
    subscriptions: ['dashboard', 'tasks', 'alerts'],
    watchesTasks: true,
    watchedTasks: [],
    embedded: false,
  },
  {
    id: 'sakura-prod',
    name: 'Sakura production',
    dialect: 'sakura',
    url: 'wss://admin.sakura.example/ws',
    enabled: true,
    auth: 'no authentication',
    authMethod: 'none',
    hasSecret: false,
    subscriptions: ['chat_updates', 'unread_counts'],
    watchesTasks: false,
    watchedTasks: [],
    embedded: false,
  },
  {
    id: 'task-status',
    name: 'Task status service',
    dialect: 'task-status',
    url: 'ws://tasks.internal:9000/ws/tasks',
    enabled: true,
    auth: 'password-jwt as support@acme.example',
    authMethod: 'password-jwt',
    hasSecret: true,
    subscriptions: ['import-2291', 'export-88'],
    watchesTasks: true,
    watchedTasks: ['import-2291', 'export-88'],
    embedded: false,
  },
  {
    id: 'stats-stream',
    name: 'Stats stream',
    dialect: 'stats-stream',
    url: 'ws://stats.internal:7070/stream',
    enabled: true,
    auth: 'no authentication',
    authMethod: 'none',
    hasSecret: false,
    subscriptions: ['stats'],
    watchesTasks: false,
    watchedTasks: [],
    embedded: false,
  },
];

const BUSINESS_NAMES = [
  'Blue Harbor Café',
  'Nordlicht Bakery',
  'Sakura Sushi Bar',
  'Green Fork Bistro',
  'Atlas Fitness',
  'Maple & Co. Salon',
  'Riverside Dental',
  'Copper Kettle Pub',
  'Luna Yoga Studio',
  'Pixel Repair Shop',
  'Olive Garden Deli',
  'Northwind Books',
  'Fjord Kayak Rentals',
  'Saffron Kitchen',
];
const CITIES = ['Berlin', 'Lisbon', 'Osaka', 'Oslo', 'Austin', 'Lyon', 'Toronto'];
const CATEGORIES = ['restaurant', 'retail', 'health', 'fitness', 'services'];
const TASK_TITLES = [
  'Import customers (CSV)',
  'Rebuild search index',
  'Send weekly digest',
  'Export invoices Q3',
  'Recalculate loyalty points',
  'Sync calendar feeds',
  'Resize uploaded images',
  'Purge stale sessions',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

export function demoBusiness(rand: () => number, n: number, at: number): BusinessItem {
  const name = BUSINESS_NAMES[n % BUSINESS_NAMES.length] ?? 'Business';
  const endpoint = n % 3 === 1 ? 'sakura-prod' : 'demo';
  const businessId = String(100 + n);
  return {
    key: `${endpoint}:${businessId}`,
    endpoint,
    businessId,
    name,
    lastKind: rand() < 0.6 ? 'business.created' : 'business.updated',
    updatedAt: at,
    data: {
      city: pick(rand, CITIES),
      category: pick(rand, CATEGORIES),
      owner: pick(rand, ['M. Tanaka', 'A. Silva', 'J. Berg', 'L. Novak', 'R. Okafor']),
      plan: pick(rand, ['free', 'starter', 'pro', 'enterprise']),
      status: rand() < 0.85 ? 'active' : 'pending review',
    },
  };
}

export function demoReservation(rand: () => number, n: number, at: number): ReservationItem {
  const businessName = pick(rand, BUSINESS_NAMES);
  const party = 1 + Math.floor(rand() * 7);
  const hour = 17 + Math.floor(rand() * 5);
  return {
    id: `r-${n}`,
    endpoint: 'demo',
    businessName,
    title: `Table for ${party} at ${hour}:${rand() < 0.5 ? '00' : '30'}`,
    at,
    data: { partySize: party, guest: pick(rand, ['Kim', 'Rossi', 'Meyer', 'Dubois', 'Sato']) },
  };
}

export function demoTask(rand: () => number, n: number, at: number): TaskItem {
  const statuses: TaskStatus[] = [
    'processing',
    'processing',
    'pending',
    'completed',
    'failed',
    'created',
  ];
  const status = statuses[n % statuses.length] ?? 'processing';
  const progress =
    status === 'completed'
      ? 100
      : status === 'processing'
        ? Math.floor(rand() * 90) + 5
        : status === 'failed'
          ? 63
          : 0;
  const endpoint = n % 3 === 2 ? 'task-status' : 'demo';
  const taskId = `${['import', 'index', 'digest', 'export', 'points', 'sync', 'resize', 'purge'][n % 8]}-${2280 + n}`;
  return {
    key: `${endpoint}:${taskId}`,
    endpoint,
    taskId,
    title: TASK_TITLES[n % TASK_TITLES.length] ?? 'Task',
    status,
    progress,
    message:
      status === 'failed'
        ? 'Row 1 532: invalid email address "jo@"; 0 rows written after rollback.'
        : status === 'completed'
          ? 'Done: 12 400 rows in 41 s.'
          : status === 'pending'
            ? 'Waiting for a worker'
            : status === 'created'
              ? 'Queued'
              : `Processing batch ${Math.ceil(progress / 10)} of 10`,
    updatedAt: at,
  };
}

const NOTIFICATION_TEMPLATES: Array<{
  kind: EventKind;
  severity: Severity;
  title: string;
  body: string;
  link?: string;
}> = [
  {
    kind: 'business.created',
    severity: 'info',
    title: 'New business: Blue Harbor Café',
    body: 'Berlin · restaurant · starter plan',
    link: 'businesses/demo:100',
  },
  {
    kind: 'reservation.created',
    severity: 'info',
    title: 'Reservation at Sakura Sushi Bar',
    body: 'Table for 4 at 19:30 (Sato)',
  },
  {
    kind: 'task.failed',
    severity: 'critical',
    title: 'Task failed: Import customers (CSV)',
    body: 'Row 1 532: invalid email address; the import was rolled back.',
    link: 'tasks/demo:import-2284',
  },
  {
    kind: 'task.completed',
    severity: 'info',
    title: 'Task completed: Export invoices Q3',
    body: '12 400 rows in 41 s',
    link: 'tasks/demo:export-2283',
  },
  {
    kind: 'alert',
    severity: 'warning',
    title: 'Queue depth above 500',
    body: 'The batch queue has been growing for 3 minutes.',
  },
  {
    kind: 'site.status',
    severity: 'critical',
    title: 'Redis unreachable on sakura-prod',
    body: 'Stats are degraded; live figures show zeros until Redis is back.',
  },
  {
    kind: 'chat.message',
    severity: 'info',
    title: 'Support chat: Nordlicht Bakery',
    body: '“Our reservations page shows an error since this morning.”',
  },
  {
    kind: 'business.updated',
    severity: 'info',
    title: 'Business updated: Atlas Fitness',
    body: 'Plan changed from starter to pro',
    link: 'businesses/sakura-prod:104',
  },
  {
    kind: 'notification',
    severity: 'info',
    title: 'Maintenance window tonight',
    body: '02:00–02:30 UTC, the gateway restarts once.',
  },
  {
    kind: 'task.created',
    severity: 'info',
    title: 'Task queued: Rebuild search index',
    body: 'Requested by admin@lookout.local',
    link: 'tasks/demo:index-2281',
  },
];

export function demoNotification(
  rand: () => number,
  n: number,
  at: number,
  read: boolean,
): NotificationItem {
  const t = NOTIFICATION_TEMPLATES[n % NOTIFICATION_TEMPLATES.length] ?? NOTIFICATION_TEMPLATES[0]!;
  const endpoint = t.kind === 'site.status' ? 'sakura-prod' : rand() < 0.2 ? 'task-status' : 'demo';
  const item: NotificationItem = {
    id: `n-${n}`,
    endpoint,
    kind: t.kind,
    severity: t.severity,
    title: t.title,
    body: t.body,
    at,
    read,
  };
  return t.link ? { ...item, link: t.link } : item;
}

export function demoStats(
  endpoint: string,
  at: number,
  i: number,
  rand: () => number,
): StatsSample {
  const wave = Math.sin(i / 18) * 120 + Math.sin(i / 5) * 30;
  const rate = Math.max(0, Math.round(420 + wave + rand() * 60));
  const threshold = 500;
  const progress = (i * 37) % threshold;
  return {
    endpoint,
    at,
    totalMessages: 1_204_000 + i * 210,
    queueDepth: Math.max(0, Math.round(180 + Math.sin(i / 11) * 90 + rand() * 25)),
    messagesPerSecond: rate,
    totalBatches: 2_408 + Math.floor(i / 3),
    avgBatchSize: 487.5,
    batchThreshold: threshold,
    batchProgress: progress,
    batchProgressPercent: Math.round((progress / threshold) * 100),
    batchesReady: 2 + (i % 4),
    degraded: false,
  };
}

function frames(rand: () => number, now: number, count: number, endpoint: string): FrameRecord[] {
  const out: FrameRecord[] = [];
  const push = (f: Omit<FrameRecord, 'id' | 'conn' | 'kind'>) =>
    out.push({ id: out.length + 1, conn: 1, kind: 'text', ...f });
  for (let i = 0; i < count; i += 1) {
    const at = now - (count - i) * 850;
    const r = rand();
    if (r < 0.12) {
      push({ at, dir: 'out', size: 28, preview: '{"type":"ping","id":' + i + '}' });
    } else if (r < 0.15) {
      push({ at, dir: 'in', size: 14, preview: 'not json at all', rejected: 'non-json' });
    } else if (r < 0.6) {
      const seq = 40_000 + i;
      push({
        at,
        dir: 'in',
        size: 180 + Math.floor(rand() * 90),
        preview: `{"type":"event","channel":"dashboard","seq":${seq},"data":{"kind":"stats.update","messagesPerSecond":${400 + Math.floor(rand() * 100)},"queueDepth":${150 + Math.floor(rand() * 60)}}}`,
      });
    } else {
      push({
        at,
        dir: 'in',
        size: 240 + Math.floor(rand() * 400),
        preview: `{"type":"event","channel":"${endpoint === 'demo' ? 'tasks' : 'dashboard'}","data":{"kind":"business.updated","id":${100 + Math.floor(rand() * 14)},"name":"${pick(rand, BUSINESS_NAMES)}","token":"[redacted]"}}`,
      });
    }
  }
  return out;
}

function rttSamples(rand: () => number, now: number, base: number) {
  return Array.from({ length: 60 }, (_, i) => ({
    at: now - (60 - i) * 5_000,
    ms: Math.round(base + rand() * base * 0.6 + (i % 17 === 0 ? base * 2 : 0)),
  }));
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
}

function diagnostics(
  rand: () => number,
  now: number,
  summary: EndpointSummary,
  shape: Pick<SessionDiagnostics, 'state' | 'lastOutcome' | 'stale'> & {
    rttBase: number;
    reconnects: number;
    silentForMs: number;
  },
): SessionDiagnostics {
  const recent = shape.state === 'auth-required' ? [] : rttSamples(rand, now, shape.rttBase);
  const ms = recent.map((s) => s.ms);
  const attempts: AttemptRecord[] = [];
  let t = now - 3_600_000;
  for (let n = 1; n <= Math.min(shape.reconnects + 1, 12); n += 1) {
    const last = n === Math.min(shape.reconnects + 1, 12);
    t += 240_000 + rand() * 60_000;
    const record: AttemptRecord = {
      n,
      trigger: n === 1 ? 'start' : 'backoff',
      delayMs: n === 1 ? 0 : Math.round(500 * 2 ** Math.min(n, 5) * rand()),
      url: summary.url,
      startedAt: t,
    };
    if (last && shape.state !== 'open' && shape.state !== 'stale') {
      record.endedAt = t + 40;
      if (shape.lastOutcome) record.outcome = shape.lastOutcome;
    } else {
      record.openedAt = t + 35;
      record.handshakeHeaders = {
        server: 'lookout-gateway/0.1',
        'sec-websocket-protocol': 'lookout.v1',
      };
      if (!last) {
        record.endedAt = t + 200_000;
        record.outcome = {
          closeCode: 1006,
          meaning:
            'The connection dropped without a close frame: network loss, a crashed server, or a proxy cut it.',
          action: 'back-off',
        };
      }
    }
    attempts.push(record);
  }
  const timeline: StateChange[] = [
    {
      endpoint: summary.id,
      from: 'idle',
      to: 'connecting',
      reason: 'Starting.',
      at: now - 3_600_000,
    },
    {
      endpoint: summary.id,
      from: 'connecting',
      to: 'open',
      reason: 'Connected and subscribed.',
      at: now - 3_590_000,
    },
  ];
  if (shape.state === 'backing-off') {
    timeline.push(
      {
        endpoint: summary.id,
        from: 'open',
        to: 'backing-off',
        reason: 'Waiting 0.5 s before reconnecting (backoff).',
        at: now - 95_000,
      },
      {
        endpoint: summary.id,
        from: 'backing-off',
        to: 'connecting',
        reason: 'Reconnecting after backoff.',
        at: now - 94_500,
      },
      {
        endpoint: summary.id,
        from: 'connecting',
        to: 'backing-off',
        reason: 'Waiting 12.0 s before reconnecting (backoff).',
        at: now - 3_000,
      },
    );
  } else if (shape.state === 'auth-required') {
    timeline.push(
      {
        endpoint: summary.id,
        from: 'open',
        to: 'connecting',
        reason: 'Reconnecting after backoff.',
        at: now - 600_000,
      },
      {
        endpoint: summary.id,
        from: 'connecting',
        to: 'auth-required',
        reason:
          'Sign-in needed: the server still refused after a token refresh (The server did not accept the credentials.)',
        at: now - 599_000,
      },
    );
  } else if (shape.state === 'stale') {
    timeline.push({
      endpoint: summary.id,
      from: 'open',
      to: 'stale',
      reason: 'No message for 60.0 s: re-subscribing.',
      at: now - 20_000,
    });
  }
  const last = timeline[timeline.length - 1];
  const frameLog =
    shape.state === 'auth-required' ? [] : frames(rand, now - shape.silentForMs, 400, summary.id);
  return {
    endpoint: summary.id,
    dialect: summary.dialect,
    url: summary.url,
    state: shape.state,
    since: last?.at ?? now,
    lastMessageAt: frameLog.length > 0 ? (frameLog[frameLog.length - 1]?.at ?? null) : null,
    lastFrameAt: frameLog.length > 0 ? (frameLog[frameLog.length - 1]?.at ?? null) : null,
    lastDataAt: shape.state === 'auth-required' ? null : now - shape.silentForMs,
    recoveredAt: shape.state === 'open' && shape.lastOutcome ? now - 3_600_000 : null,
    stale: shape.stale,
    counters: {
      framesIn: 48_211 + Math.floor(rand() * 1000),
      framesOut: 1_204,
      bytesIn: 11_482_113,
      bytesOut: 38_912,
      rejectedFrames: shape.state === 'open' ? 3 : 0,
      reconnects: shape.reconnects,
      events: 47_002,
      droppedEvents: summary.dialect === 'lookout' ? 14 : 0,
    },
    rtt: {
      samples: recent.length,
      lastMs: ms[ms.length - 1] ?? null,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
      recent,
    },
    lastOutcome: shape.lastOutcome,
    nextAttemptAt:
      shape.state === 'backing-off' && last ? last.at + parseWaitMs(last.reason) : null,
    timeline,
    attempts,
    frames: frameLog,
    rejections: shape.state === 'open' ? { 'non-json': 3 } : {},
    serverErrors:
      summary.dialect === 'sakura'
        ? [{ at: now - 400_000, message: 'Unknown action: subscribe' }]
        : [],
    subscriptions: summary.subscriptions,
    channels: summary.subscriptions.map((name, i) => ({
      name,
      subscribed: true,
      acknowledged: shape.state === 'open',
      refused: null,
      events: shape.state === 'auth-required' ? 0 : 1_200 - i * 350,
      lastEventAt: shape.state === 'auth-required' ? null : now - shape.silentForMs - i * 4_000,
      // The lookout endpoint shows what a gateway restart leaves behind: a reset and the copies
      // of a replay that overlapped what had arrived.
      dropped:
        summary.dialect === 'lookout' && i === 0
          ? { 'already-delivered': 12, 'same-origin': 2 }
          : {},
      resume:
        summary.dialect === 'lookout' ? { seq: 1_200 - i * 350, epoch: 'k3Jx9QzT2aPw' } : null,
      lastReset:
        summary.dialect === 'lookout' && i === 0
          ? {
              at: now - 1_260_000,
              cause: 'history-lost' as const,
              explanation:
                'The server lost this channel’s history (it restarted without it, or its storage was emptied): events sent before then that had not arrived may be missing.',
            }
          : null,
    })),
    clockSkewMs: summary.dialect === 'lookout' ? 42 : null,
    keepalive:
      summary.dialect === 'lookout'
        ? 'Server pings every 25 s; we send WebSocket pings every 15 s and expect any frame within 45 s.'
        : 'No server keepalive: we ping every 20 s and treat 60 s of silence as stale.',
    actions: [],
  };
}

/** The health facets the core would push for a demo endpoint. */
function demoHealth(d: SessionDiagnostics, summary: EndpointSummary, now: number): EndpointHealth {
  const open = d.state === 'open' || d.state === 'stale';
  const delivery: DeliveryHealth = {
    status: !open ? 'offline' : d.stale ? 'unverified' : 'flowing',
    lastDataAt: d.lastDataAt,
    quietSince: open ? d.lastDataAt : null,
    quietAfterMs: summary.dialect === 'stats-stream' ? 3_000 : 0,
    detail: !open
      ? 'The socket is not open.'
      : d.stale
        ? 'no Redis probe is configured for this endpoint, so nothing proves delivery. stats-stream sends stats every 0.6 s: a silence of seconds means the stream stalled.'
        : 'Data arrives.',
    redis: null,
  };
  const auth: AuthState =
    summary.authMethod === 'none'
      ? { status: 'not-needed', detail: 'This endpoint needs no sign-in.', at: null }
      : d.state === 'auth-required'
        ? {
            status: 'refused',
            detail:
              "Sign-in as support@acme.example was refused (HTTP 401: Invalid credentials): check the email and password in the endpoint's settings.",
            at: now - 599_000,
          }
        : {
            status: 'signed-in',
            detail: 'The server accepted the connection with these credentials.',
            at: now - 3_590_000,
          };
  return {
    endpoint: d.endpoint,
    state: d.state,
    since: d.since,
    lastOutcome: d.lastOutcome,
    recoveredAt: d.recoveredAt,
    nextAttemptAt: d.nextAttemptAt,
    delivery,
    auth,
    causes: [],
  };
}

/** A complete, realistic initial state at time `now`. */
export function demoInitialState(now: number, seed = 7): InitialState {
  const rand = seededRandom(seed);
  const notifications = Array.from({ length: 240 }, (_, i) =>
    demoNotification(rand, 239 - i, now - i * 47_000 - 4_000, i > 5),
  );
  const statsFor = (id: string) =>
    Array.from({ length: 240 }, (_, i) => demoStats(id, now - (240 - i) * 1_000, i, rand));
  const demoHistory = statsFor('demo');
  const streamHistory = statsFor('stats-stream');
  const app = {
    limits: DEFAULT_LIMITS,
    notifications,
    unread: notifications.filter((n) => !n.read).length,
    businesses: Array.from({ length: 12 }, (_, i) =>
      demoBusiness(rand, i, now - i * 93_000 - 2_000),
    ),
    reservations: Array.from({ length: 9 }, (_, i) =>
      demoReservation(rand, i, now - i * 61_000 - 9_000),
    ),
    tasks: Array.from({ length: 8 }, (_, i) => demoTask(rand, i, now - i * 45_000 - 1_000)),
    endpoints: {
      demo: {
        stats: demoHistory[demoHistory.length - 1] ?? null,
        statsHistory: demoHistory,
        unreadCounts: { support: 3 },
        siteStatus: null,
      },
      'stats-stream': {
        stats: streamHistory[streamHistory.length - 1] ?? null,
        statsHistory: streamHistory,
        unreadCounts: null,
        siteStatus: null,
      },
      'sakura-prod': {
        stats: null,
        statsHistory: [],
        unreadCounts: null,
        siteStatus: {
          status: 'degraded',
          severity: 'warning' as const,
          detail: 'Redis unreachable: figures are zeros until it is back.',
          at: now - 400_000,
        },
      },
    },
  };
  const [demo, sakura, tasks, stats] = DEMO_ENDPOINTS as [
    EndpointSummary,
    EndpointSummary,
    EndpointSummary,
    EndpointSummary,
  ];
  const connections = [
    diagnostics(rand, now, demo, {
      state: 'open',
      lastOutcome: null,
      stale: false,
      rttBase: 4,
      reconnects: 1,
      silentForMs: 300,
    }),
    diagnostics(rand, now, sakura, {
      state: 'backing-off',
      stale: false,
      rttBase: 38,
      reconnects: 7,
      silentForMs: 95_000,
      lastOutcome: {
        closeCode: 1006,
        meaning:
          'The connection dropped without a close frame: network loss, a crashed server, or a proxy cut it.',
        action: 'back-off',
      },
    }),
    diagnostics(rand, now, tasks, {
      state: 'auth-required',
      stale: false,
      rttBase: 12,
      reconnects: 2,
      silentForMs: 600_000,
      lastOutcome: {
        handshakeStatus: 401,
        meaning: 'The server did not accept the credentials: sign in again.',
        action: 'sign-in',
      },
    }),
    diagnostics(rand, now, stats, {
      state: 'stale',
      lastOutcome: null,
      stale: true,
      rttBase: 9,
      reconnects: 0,
      silentForMs: 80_000,
    }),
  ];
  return {
    app,
    notificationHealth: {
      ok: true,
      notifier: 'demo',
      error: null,
      since: now,
      dnd: { state: 'off', source: 'dunst', detail: 'dunst is not paused.' },
    },
    connections,
    health: connections.map((d) =>
      demoHealth(d, DEMO_ENDPOINTS.find((e) => e.id === d.endpoint) ?? demo, now),
    ),
    endpoints: DEMO_ENDPOINTS,
    prefs: defaultNotifyPrefs(),
    settings: { ...defaultAppSettings(), firstRunDone: true },
    host: {
      kind: 'browser',
      appVersion: '0.1.0',
      platform: 'linux',
      configDir: '~/.config/Lookout',
      logFile: '~/.config/Lookout/logs/main.log',
      secretsPersistent: false,
      secretsNote: 'Demo data: nothing is stored.',
    },
    configProblems: [],
    storageProblems: [],
  };
}

/** One live patch of the demo stream: stats every tick, now and then a business, task or alert. */
export function demoPatch(rand: () => number, tick: number, now: number): AppPatch {
  const patch: AppPatch = {
    statsAdded: {
      demo: [demoStats('demo', now, 240 + tick, rand)],
      'stats-stream': [demoStats('stats-stream', now, 260 + tick, rand)],
    },
  };
  if (tick % 6 === 0) patch.businessesUpserted = [demoBusiness(rand, Math.floor(rand() * 20), now)];
  if (tick % 9 === 4) patch.reservationsAdded = [demoReservation(rand, 1_000 + tick, now)];
  if (tick % 2 === 1) {
    const task = demoTask(rand, 0, now);
    const progress = Math.min(100, ((tick * 3) % 100) + 1);
    patch.tasksUpserted = [
      {
        ...task,
        status: progress >= 100 ? 'completed' : 'processing',
        progress,
        message: `Processing batch ${Math.ceil(progress / 10)} of 10`,
      },
    ];
  }
  if (tick % 10 === 7)
    patch.notificationsAdded = [demoNotification(rand, 1_000 + tick, now, false)];
  return patch;
}

/** The wait announced in a demo backing-off reason ("Waiting 12.0 s before reconnecting"). */
function parseWaitMs(reason: string): number {
  const m = /Waiting ([\d.]+) s/.exec(reason);
  return m ? Number(m[1]) * 1_000 : 0;
}
