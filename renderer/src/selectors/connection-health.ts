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

/** The header pill: "All 3 connected", "2 of 4 connected · 1 needs sign-in", "No endpoints". */
export function connectionSummary(
  connections: Record<string, SessionDiagnostics>,
  endpoints: readonly EndpointSummary[],
): ConnectionSummary {
  const list = endpoints
    .filter((e) => e.enabled)
    .map((e) => connections[e.id])
    .filter((d): d is SessionDiagnostics => !!d);
  if (list.length === 0) return { label: 'No endpoints', tone: 'muted', focus: null };
  const open = list.filter((d) => d.state === 'open').length;
  let worst: SessionDiagnostics | null = null;
  for (const d of list) {
    if (!worst || SEVERITY_ORDER[stateTone(d.state)] > SEVERITY_ORDER[stateTone(worst.state)])
      worst = d;
  }
  if (open === list.length) {
    return {
      label: list.length === 1 ? 'Connected' : `All ${list.length} connected`,
      tone: 'ok',
      focus: null,
    };
  }
  const signIn = list.filter((d) => d.state === 'auth-required').length;
  const extra = signIn > 0 ? ` · ${signIn} need${signIn === 1 ? 's' : ''} sign-in` : '';
  return {
    label: `${open} of ${list.length} connected${extra}`,
    tone: worst ? (stateTone(worst.state) === 'info' ? 'info' : stateTone(worst.state)) : 'muted',
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
  if (outcome.error) parts.push(outcome.error);
  return parts.join(' · ');
}

/** When the next attempt of a backing-off session starts (epoch ms), as main reports it; null otherwise. */
export function nextAttemptAt(diag: SessionDiagnostics): number | null {
  return diag.state === 'backing-off' ? diag.nextAttemptAt : null;
}

export interface ConnectionBanner {
  endpoint: string;
  name: string;
  kind: 'auth-required' | 'backing-off' | 'stale' | 'stopped';
  tone: Tone;
  title: string;
  /** The last outcome's meaning, verbatim, when there is one. */
  detail: string;
  /** `HTTP 401` / `close 1006 (…)`, or ''. */
  codes: string;
  action: 'sign-in' | 'reconnect' | null;
}

/** Plain-words banners for endpoints that need attention, worst first. */
export function connectionBanners(
  connections: Record<string, SessionDiagnostics>,
  endpoints: readonly EndpointSummary[],
  now: number,
): ConnectionBanner[] {
  const out: ConnectionBanner[] = [];
  for (const e of endpoints) {
    const d = connections[e.id];
    if (!e.enabled || !d) continue;
    const detail = d.lastOutcome?.meaning ?? '';
    const codes = outcomeCodes(d.lastOutcome);
    if (d.state === 'auth-required') {
      out.push({
        endpoint: e.id,
        name: e.name,
        kind: 'auth-required',
        tone: 'bad',
        title: `${e.name} needs you to sign in`,
        detail,
        codes,
        action: 'sign-in',
      });
    } else if (d.state === 'backing-off') {
      const at = nextAttemptAt(d);
      const wait =
        at === null ? 'shortly' : at <= now ? 'now' : `in ${Math.ceil((at - now) / 1_000)} s`;
      out.push({
        endpoint: e.id,
        name: e.name,
        kind: 'backing-off',
        tone: 'warn',
        title: `${e.name}: reconnecting ${wait}`,
        detail,
        codes,
        action: 'reconnect',
      });
    } else if (d.state === 'stale') {
      const silent =
        d.lastMessageAt === null
          ? 'since it connected'
          : `for ${formatDuration(now - d.lastMessageAt)}`;
      out.push({
        endpoint: e.id,
        name: e.name,
        kind: 'stale',
        tone: 'warn',
        title: `${e.name}: connected but silent ${silent}`,
        detail:
          'The socket is open but no message arrived; Lookout re-subscribes and reconnects if it stays silent.',
        codes: '',
        action: 'reconnect',
      });
    } else if (d.state === 'stopped') {
      out.push({
        endpoint: e.id,
        name: e.name,
        kind: 'stopped',
        tone: 'bad',
        title: `${e.name}: stopped retrying`,
        detail,
        codes,
        action: 'reconnect',
      });
    }
  }
  const rank = { 'auth-required': 0, stopped: 1, 'backing-off': 2, stale: 3 } as const;
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
  stale: boolean;
  subscriptions: string[];
  channels: ChannelRow[];
}

/** One channel under its endpoint in the diagnostics table. */
export interface ChannelRow {
  name: string;
  status: string;
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
  return {
    name: c.name,
    status: !c.subscribed
      ? 'not subscribed'
      : c.acknowledged
        ? 'subscribed'
        : state === 'open' || state === 'stale'
          ? 'requested'
          : 'waiting for the connection',
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

/** One health row per endpoint for the diagnostics table. */
export function healthRow(d: SessionDiagnostics, name: string, now: number): HealthRow {
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
    tone: stateTone(d.state),
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
    stale: d.stale,
    subscriptions: d.subscriptions,
    channels: d.channels.map((c) => channelRow(c, d.state, now)),
  };
}
