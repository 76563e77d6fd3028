import type { EndpointSummary } from '../../../shared/ipc/contract';
import {
  DROP_REASONS,
  DROP_REASON_TEXT,
  type AttemptOutcome,
  type ChannelHealth,
  type ConnectionState,
  type SessionDiagnostics,
} from '../../../shared/model/connection';
import { explainCloseCode, explainHandshakeStatus } from '../../../shared/close-codes';
import {
  DEAF_TEXT,
  DELIVERY_LABELS,
  coarseDuration,
  isHealthy,
  type DeliveryStatus,
  type EndpointHealth,
  type RankedCause,
} from '../../../shared/model/health';
import { formatDuration, formatNumber } from './format';

/** Visual tone of a state: drives pill and dot colours. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

export const STATE_LABELS: Record<ConnectionState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  open: 'Connected',
  stale: 'Silent',
  'backing-off': 'Reconnecting',
  'auth-required': 'Sign-in needed',
  stopped: 'Stopped',
};

export function stateTone(state: ConnectionState): Tone {
  switch (state) {
    case 'open':
      return 'ok';
    case 'connecting':
      return 'info';
    case 'stale':
    case 'backing-off':
      return 'warn';
    case 'auth-required':
    case 'stopped':
      return 'bad';
    case 'idle':
      return 'muted';
  }
}

/** Display name of an endpoint id (falls back to the id). */
export function endpointName(endpoints: readonly EndpointSummary[], id: string): string {
  return endpoints.find((e) => e.id === id)?.name ?? id;
}

export interface ConnectionSummary {
  label: string;
  tone: Tone;
  /** Endpoint the pill should open in diagnostics (the worst one), or null for the overview. */
  focus: string | null;
}

const SEVERITY_ORDER: Record<Tone, number> = { bad: 4, warn: 3, info: 2, muted: 1, ok: 0 };

/**
 * Tone of an endpoint from its socket state *and* its delivery facet: an open socket of a deaf
 * service is bad, an unverified or degraded one a warning; never green without proof.
 */
export function healthTone(h: Pick<EndpointHealth, 'state' | 'delivery'>): Tone {
  if (h.state !== 'open' && h.state !== 'stale') return stateTone(h.state);
  switch (h.delivery.status) {
    case 'deaf':
      return 'bad';
    case 'degraded':
    case 'unverified':
      return 'warn';
    default:
      return h.state === 'stale' ? 'warn' : 'ok';
  }
}

/**
 * The header pill: "All 3 healthy", "2 of 4 healthy · 1 deaf · 1 needs sign-in", "No endpoints".
 * Healthy means connected with delivery proven or silence normal, the same rule as the tray.
 */
export function connectionSummary(
  health: Record<string, EndpointHealth>,
  endpoints: readonly EndpointSummary[],
): ConnectionSummary {
  const list = endpoints
    .filter((e) => e.enabled)
    .map((e) => health[e.id])
    .filter((h): h is EndpointHealth => !!h);
  if (list.length === 0) return { label: 'No endpoints', tone: 'muted', focus: null };
  const healthy = list.filter(isHealthy).length;
  let worst: EndpointHealth | null = null;
  for (const h of list) {
    if (!worst || SEVERITY_ORDER[healthTone(h)] > SEVERITY_ORDER[healthTone(worst)]) worst = h;
  }
  if (healthy === list.length) {
    return {
      label: list.length === 1 ? 'Healthy' : `All ${list.length} healthy`,
      tone: 'ok',
      focus: null,
    };
  }
  const count = (pred: (h: EndpointHealth) => boolean) => list.filter(pred).length;
  const open = (h: EndpointHealth) => h.state === 'open' || h.state === 'stale';
  const extras = [
    [count((h) => open(h) && h.delivery.status === 'deaf'), 'deaf'],
    [count((h) => open(h) && h.delivery.status === 'degraded'), 'degraded'],
    [count((h) => open(h) && h.delivery.status === 'unverified'), 'unverified'],
    [count((h) => h.state === 'auth-required'), 'sign-in'],
  ] as const;
  const extra = extras
    .filter(([n]) => n > 0)
    .map(([n, what]) =>
      what === 'sign-in' ? `${n} need${n === 1 ? 's' : ''} sign-in` : `${n} ${what}`,
    )
    .join(' · ');
  const tone = worst ? healthTone(worst) : 'muted';
  return {
    label: `${healthy} of ${list.length} healthy${extra ? ` · ${extra}` : ''}`,
    tone: tone === 'ok' ? 'warn' : tone,
    focus: worst?.endpoint ?? null,
  };
}

/** The codes of an outcome, as numbers people quote to support: `HTTP 401`, `close 1006 (Abnormal closure)`. */
export function outcomeCodes(outcome: AttemptOutcome | null | undefined): string {
  if (!outcome) return '';
  const parts: string[] = [];
  if (outcome.handshakeStatus !== undefined) {
    parts.push(
      `HTTP ${outcome.handshakeStatus} (${explainHandshakeStatus(outcome.handshakeStatus).name})`,
    );
  }
  if (outcome.closeCode !== undefined) {
    parts.push(`close ${outcome.closeCode} (${explainCloseCode(outcome.closeCode).name})`);
  }
  // `credentials` marks an attempt that never reached the server: there is no code to quote.
  if (outcome.error && outcome.error !== 'credentials') parts.push(outcome.error);
  return parts.join(' · ');
}

/** When the next attempt of a backing-off session starts (epoch ms), as main reports it; null otherwise. */
export function nextAttemptAt(
  d: Pick<SessionDiagnostics, 'state' | 'nextAttemptAt'>,
): number | null {
  return d.state === 'backing-off' ? d.nextAttemptAt : null;
}

export type BannerKind =
  'auth-required' | 'stopped' | 'deaf' | 'backing-off' | 'degraded' | 'stale' | 'unverified';

export interface ConnectionBanner {
  endpoint: string;
  name: string;
  kind: BannerKind;
  tone: Tone;
  title: string;
  /** The last outcome's meaning, or the delivery facet's words. */
  detail: string;
  /** `HTTP 401` / `close 1006 (…)`, or ''. */
  codes: string;
  /** For an ambiguous refusal: the possible causes, most likely first (ruled-out ones left out). */
  causes: RankedCause[];
  /** `sign-in` only for endpoints that have a sign-in; `edit` where only the config can help. */
  action: 'sign-in' | 'reconnect' | 'edit' | null;
}

/**
 * Plain-words banners for endpoints that need attention, worst first, from the pushed health
 * facets (never from diagnostics that refresh only while that panel is open).
 */
export function connectionBanners(
  health: Record<string, EndpointHealth>,
  endpoints: readonly EndpointSummary[],
  now: number,
): ConnectionBanner[] {
  const out: ConnectionBanner[] = [];
  for (const e of endpoints) {
    const h = health[e.id];
    if (!e.enabled || !h) continue;
    const detail = h.lastOutcome?.meaning ?? '';
    const codes = outcomeCodes(h.lastOutcome);
    const base = { endpoint: e.id, name: e.name, codes, causes: [] as RankedCause[] };
    const canSignIn = e.authMethod !== 'none';
    if (h.state === 'auth-required') {
      out.push({
        ...base,
        kind: 'auth-required',
        tone: 'bad',
        title:
          h.auth.status === 'refused'
            ? `${e.name}: the server refused the sign-in`
            : `${e.name} needs you to sign in`,
        detail: h.auth.status === 'refused' || !detail ? h.auth.detail : detail,
        action: canSignIn ? 'sign-in' : 'edit',
      });
    } else if (h.state === 'stopped') {
      out.push({
        ...base,
        kind: 'stopped',
        tone: 'bad',
        title: `${e.name}: stopped retrying`,
        detail,
        action: h.lastOutcome?.action === 'stop' ? 'edit' : 'reconnect',
      });
    } else if (h.state === 'backing-off' || h.state === 'connecting') {
      // A first connect or a quick retry is not news; a wait after a failure is.
      if (h.state === 'connecting' && !h.lastOutcome) continue;
      if (h.state === 'connecting' && h.recoveredAt !== null) continue;
      const at = h.state === 'backing-off' ? h.nextAttemptAt : null;
      const wait =
        h.state === 'connecting'
          ? 'now'
          : at === null
            ? 'shortly'
            : at <= now
              ? 'now'
              : `in ${Math.ceil((at - now) / 1_000)} s`;
      out.push({
        ...base,
        kind: 'backing-off',
        tone: 'warn',
        title: `${e.name}: reconnecting ${wait}`,
        detail,
        causes: h.causes.filter((c) => c.likelihood !== 'ruled-out'),
        action: 'reconnect',
      });
    } else if (h.delivery.status === 'deaf') {
      out.push({
        ...base,
        kind: 'deaf',
        tone: 'bad',
        title: `${e.name} is ${DEAF_TEXT}`,
        detail: h.delivery.detail,
        codes: '',
        action: null,
      });
    } else if (h.delivery.status === 'degraded') {
      out.push({
        ...base,
        kind: 'degraded',
        tone: 'warn',
        title: `${e.name}: backend degraded`,
        detail: h.delivery.detail,
        codes: '',
        action: null,
      });
    } else if (h.state === 'stale') {
      const silent =
        h.delivery.lastDataAt === null
          ? 'since it connected'
          : `for ${formatDuration(now - h.delivery.lastDataAt)}`;
      out.push({
        ...base,
        kind: 'stale',
        tone: 'warn',
        title: `${e.name}: connected but no data ${silent}`,
        detail:
          'The socket is open (pongs and acks still come) but no data arrived; Lookout re-subscribes and reconnects if it stays silent.',
        codes: '',
        action: 'reconnect',
      });
    } else if (h.delivery.status === 'unverified') {
      const quiet =
        h.delivery.quietSince === null ? '' : ` for ${coarseDuration(now - h.delivery.quietSince)}`;
      out.push({
        ...base,
        kind: 'unverified',
        tone: 'warn',
        title: `${e.name}: quiet${quiet}, delivery unverified`,
        detail: h.delivery.detail,
        codes: '',
        action: null,
      });
    }
  }
  const rank: Record<BannerKind, number> = {
    'auth-required': 0,
    stopped: 1,
    deaf: 2,
    'backing-off': 3,
    degraded: 4,
    stale: 5,
    unverified: 6,
  };
  return out.sort((a, b) => rank[a.kind] - rank[b.kind]);
}

export interface HealthRow {
  endpoint: string;
  name: string;
  dialect: string;
  url: string;
  state: ConnectionState;
  stateLabel: string;
  tone: Tone;
  since: number;
  lastMessageAgeMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  rttRecent: Array<{ at: number; ms: number }>;
  reconnects: number;
  lastCloseCode: number | null;
  lastCloseMeaning: string;
  lastHandshakeStatus: number | null;
  lastHandshakeMeaning: string;
  lastOutcomeMeaning: string;
  /** When a connection opened again after the last failure (shown as "recovered at"), or null. */
  recoveredAt: number | null;
  /** Age of the last data (events), which only proves delivery; pongs and acks do not count. */
  lastDataAgeMs: number | null;
  delivery: { label: string; tone: Tone } | null;
  stale: boolean;
  subscriptions: string[];
  channels: ChannelRow[];
}

/** One channel under its endpoint in the diagnostics table. */
export interface ChannelRow {
  name: string;
  status: string;
  /** The server refused the subscription on the current connection. */
  refused: boolean;
  events: number;
  lastEventAgeMs: number | null;
  /** Events that arrived but were not applied as new, by reason, or null when none. */
  dropped: { total: number; summary: string; details: string[] } | null;
  /** Where a reconnect resumes: "after #1,200 · epoch k3Jx9QzT", or null. */
  resume: string | null;
  /** The last time the server could not replay this channel, in words. */
  lastReset: { at: number; label: string; explanation: string } | null;
}

/** A channel's row: status, counts, why events were not applied, where it resumes, its last reset. */
function channelRow(c: ChannelHealth, state: ConnectionState, now: number): ChannelRow {
  const reasons = DROP_REASONS.filter((r) => (c.dropped[r] ?? 0) > 0);
  const total = reasons.reduce((n, r) => n + (c.dropped[r] ?? 0), 0);
  const connected = state === 'open' || state === 'stale';
  // The socket first: nothing is "subscribed" on a connection that is down.
  const status = !c.subscribed
    ? 'not subscribed'
    : !connected
      ? 'waiting for the connection'
      : c.refused
        ? `refused: ${c.refused}`
        : c.acknowledged
          ? 'subscribed'
          : 'requested';
  return {
    name: c.name,
    status,
    refused: connected && c.refused !== null,
    events: c.events,
    lastEventAgeMs: c.lastEventAt === null ? null : Math.max(0, now - c.lastEventAt),
    dropped:
      total === 0
        ? null
        : {
            total,
            summary: reasons
              .map((r) => `${formatNumber(c.dropped[r] ?? 0)} ${r.replace(/-/g, ' ')}`)
              .join(', '),
            details: reasons.map((r) => `${r}: ${DROP_REASON_TEXT[r]}`),
          },
    resume: c.resume
      ? `resumes after #${formatNumber(c.resume.seq)}${c.resume.epoch ? ` · epoch ${c.resume.epoch.slice(0, 8)}` : ''}`
      : null,
    lastReset: c.lastReset
      ? {
          at: c.lastReset.at,
          label: c.lastReset.cause === 'history-lost' ? 'History lost' : 'History too old',
          explanation: c.lastReset.explanation,
        }
      : null,
  };
}

const DELIVERY_TONE: Record<DeliveryStatus, Tone> = {
  flowing: 'ok',
  quiet: 'muted',
  verified: 'ok',
  unverified: 'warn',
  deaf: 'bad',
  degraded: 'warn',
  offline: 'muted',
};

/** One health row per endpoint for the diagnostics table, with the pushed facets when known. */
export function healthRow(
  d: SessionDiagnostics,
  name: string,
  now: number,
  health?: EndpointHealth,
): HealthRow {
  const lastWithClose = [...d.attempts]
    .reverse()
    .find((a) => a.outcome?.closeCode !== undefined)?.outcome;
  const lastWithStatus = [...d.attempts]
    .reverse()
    .find((a) => a.outcome?.handshakeStatus !== undefined)?.outcome;
  const closeCode = d.lastOutcome?.closeCode ?? lastWithClose?.closeCode ?? null;
  const status = d.lastOutcome?.handshakeStatus ?? lastWithStatus?.handshakeStatus ?? null;
  return {
    endpoint: d.endpoint,
    name,
    dialect: d.dialect,
    url: d.url,
    state: d.state,
    stateLabel: STATE_LABELS[d.state],
    tone: health ? healthTone({ state: d.state, delivery: health.delivery }) : stateTone(d.state),
    since: d.since,
    lastMessageAgeMs: d.lastMessageAt === null ? null : Math.max(0, now - d.lastMessageAt),
    p50Ms: d.rtt.p50Ms,
    p95Ms: d.rtt.p95Ms,
    rttRecent: d.rtt.recent,
    reconnects: d.counters.reconnects,
    lastCloseCode: closeCode,
    lastCloseMeaning: closeCode === null ? '' : explainCloseCode(closeCode).meaning,
    lastHandshakeStatus: status,
    lastHandshakeMeaning: status === null ? '' : explainHandshakeStatus(status).meaning,
    lastOutcomeMeaning: d.lastOutcome?.meaning ?? '',
    recoveredAt: d.recoveredAt,
    lastDataAgeMs: d.lastDataAt === null ? null : Math.max(0, now - d.lastDataAt),
    delivery:
      health && (d.state === 'open' || d.state === 'stale')
        ? {
            label: DELIVERY_LABELS[health.delivery.status],
            tone: DELIVERY_TONE[health.delivery.status],
          }
        : null,
    stale: d.stale,
    subscriptions: d.subscriptions,
    channels: d.channels.map((c) => channelRow(c, d.state, now)),
  };
}
