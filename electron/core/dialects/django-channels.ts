import { endpointUrls } from '../../../shared/config/endpoint';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EventKind, LiveEvent, Severity } from '../../../shared/model/live-event';
import { SEVERITIES } from '../../../shared/model/live-event';
import type { CodeMeaning } from '../../../shared/close-codes';
import type { HandshakeSent } from '../../../shared/model/connection';
import { rankCauses, type RankedCause } from '../../../shared/model/health';
import { completeCodec } from './dialect';
import type {
  AmbiguityFacts,
  CodecParts,
  DecodeResult,
  Dialect,
  HandshakePlan,
  ProbeVerdict,
} from './dialect';
import type { Credentials } from '../kernel/ports';
import { stableEventId } from './event-id';
import { parseServerTime, serverTimeMs } from './timestamps';
import { readBusinessPayload, readReservationPayload } from './django-payloads';
import {
  clip,
  linkPart,
  ownPrimitives,
  parseObject,
  primitives,
  textOf,
  unknownType,
} from './wire';

/**
 * django-channels: the super-admin dashboard (PROTOCOLS.md §5), served by daphne at
 * `/ws/dashboard/` and `/ws/notifications/` (trailing slash required). The upgrade must carry an
 * allowed `Origin`. Auth as built is the Django `sessionid` cookie; the documented `?token=<JWT>`
 * is supported too (`password-jwt`/`token` with `send: 'query'`), but the real server ignores it.
 * One codec serves either socket: its channel (`dashboard` or `notifications`) comes from the path.
 */

export type DjangoChannel = 'dashboard' | 'notifications';

const DASHBOARD_KINDS: Readonly<Record<string, EventKind>> = {
  business_created: 'business.created',
  business_updated: 'business.updated',
  reservation_created: 'reservation.created',
};

/** `dashboard` or `notifications` from the endpoint URL's path. */
export function djangoChannelOf(url: string): DjangoChannel {
  try {
    return /\/ws\/notifications\/?$/.test(new URL(url).pathname) ? 'notifications' : 'dashboard';
  } catch {
    return 'dashboard';
  }
}

function severityOf(obj: Record<string, unknown>): Severity {
  const raw = obj.severity ?? obj.level ?? obj.priority;
  if (typeof raw !== 'string') return 'info';
  const s = raw.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  if (s === 'error' || s === 'danger' || s === 'high' || s === 'urgent') return 'critical';
  if (s === 'warn') return 'warning';
  return 'info';
}

/** `Subdomain shop-7, subscription trialing, active` from what the business object carries. */
function businessLine(b: Record<string, unknown>): string {
  let line = typeof b.subdomain === 'string' ? `Subdomain ${b.subdomain}` : '';
  if (typeof b.subscription_status === 'string') {
    line = joinPart(line, `subscription ${b.subscription_status}`);
  }
  if (typeof b.is_active === 'boolean') line = joinPart(line, b.is_active ? 'active' : 'inactive');
  return line;
}

function joinPart(line: string, part: string): string {
  return line ? `${line}, ${part}` : part;
}

class DjangoChannelsCodec implements CodecParts {
  private readonly channel: DjangoChannel;
  private readonly url: string;
  constructor(private readonly endpoint: EndpointConfig) {
    this.url = endpointUrls(endpoint)[0] ?? '';
    this.channel = djangoChannelOf(this.url);
  }

  handshake(credentials: Credentials, baseUrl: string): HandshakePlan {
    const url = new URL(baseUrl);
    const headers: Record<string, string> = { ...this.endpoint.headers };
    // daphne's Origin check is mandatory; a desktop client has none unless we send one.
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'origin')) {
      headers.Origin = `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.hostname}`;
    }
    const auth = this.endpoint.auth;
    if (credentials.cookie) headers.Cookie = credentials.cookie;
    if (credentials.token) {
      if (auth.method === 'token' && auth.send === 'header')
        headers.Authorization = `Bearer ${credentials.token}`;
      else if (auth.method === 'token' && auth.send === 'cookie') {
        headers.Cookie = [headers.Cookie, `${auth.cookieName}=${credentials.token}`]
          .filter(Boolean)
          .join('; ');
      } else if (auth.method === 'password-jwt' && auth.send === 'header') {
        headers.Authorization = `Bearer ${credentials.token}`;
      } else {
        const param =
          auth.method === 'token' || auth.method === 'password-jwt' ? auth.queryParam : 'token';
        url.searchParams.set(param, credentials.token);
      }
    }
    return { url: url.toString(), headers };
  }
  // The notifications consumer ignores client messages, so a ping there would never be answered.
  appPing(): string | null {
    return this.channel === 'dashboard' ? '{"type":"ping"}' : null;
  }

  // No subscribe: each socket is one fixed group, subscription is by URL.
  decode(text: string, receivedAt: number): DecodeResult {
    const frame = parseObject(text);
    if (typeof frame === 'string') return { rejected: frame };
    if (this.channel === 'notifications') return this.notification(frame, text, receivedAt);
    const type = frame.type;
    if (type === 'connection_established') return { greeting: {} };
    if (type === 'pong') return { pong: {} };
    // Own keys only: `constructor` or `toString` must not find Object's methods.
    const kind =
      typeof type === 'string' && Object.hasOwn(DASHBOARD_KINDS, type)
        ? DASHBOARD_KINDS[type]
        : undefined;
    if (!kind) return { rejected: unknownType(type) };
    return kind === 'reservation.created'
      ? this.reservation(frame, text, receivedAt)
      : this.business(kind, frame, receivedAt);
  }

  private business(
    kind: EventKind,
    frame: Record<string, unknown>,
    receivedAt: number,
  ): DecodeResult {
    const payload = readBusinessPayload(frame.payload);
    if (typeof payload === 'string') return { rejected: payload };
    const { business: b, id, message } = payload;
    const name = clip(payload.name ?? `#${id}`, 80);
    const created = kind === 'business.created';
    // The business object is ours (fresh from JSON.parse): kept as the data when already plain.
    const data = ownPrimitives(b);
    data.id = id;
    data.businessId = id;
    data.message = message ?? null;
    const event: LiveEvent = {
      id: stableEventId(kind, [
        this.endpoint.id,
        id,
        textOf(frame.timestamp),
        textOf(b.updated_at),
      ]),
      endpoint: this.endpoint.id,
      channel: this.channel,
      kind,
      severity: 'info',
      title: created ? `New business “${name}” created` : `Business “${name}” updated`,
      body: clip(businessLine(b) || message || '', 300),
      serverTime: serverTimeMs(frame.timestamp),
      receivedAt,
      data,
      link: `businesses/${linkPart(id)}`,
    };
    return { events: [event] };
  }

  private reservation(
    frame: Record<string, unknown>,
    text: string,
    receivedAt: number,
  ): DecodeResult {
    const payload = readReservationPayload(frame.payload);
    if (typeof payload === 'string') return { rejected: payload };
    const { reservation: r, id, businessName, message } = payload;
    const businessId =
      typeof r.business === 'number' || typeof r.business === 'string'
        ? String(r.business)
        : undefined;
    const data = ownPrimitives(r);
    if (id !== undefined) data.id = id;
    data.reservationId = id ?? null;
    data.businessName = businessName ?? null;
    const event: LiveEvent = {
      id: stableEventId('reservation.created', [
        this.endpoint.id,
        id ?? text,
        textOf(frame.timestamp),
      ]),
      endpoint: this.endpoint.id,
      channel: this.channel,
      kind: 'reservation.created',
      severity: 'info',
      title: businessName ? `New reservation for ${clip(businessName, 80)}` : 'New reservation',
      body: clip(message ?? 'A reservation was created.', 300),
      serverTime: serverTimeMs(frame.timestamp),
      receivedAt,
      data,
    };
    if (businessId) event.link = `businesses/${linkPart(businessId)}`;
    return { events: [event] };
  }

  private notification(
    frame: Record<string, unknown>,
    text: string,
    receivedAt: number,
  ): DecodeResult {
    // Free-form, delivered exactly as the backend sent it: keep its title/message/type.
    const fields = primitives(frame, 2_000);
    const title =
      (typeof frame.title === 'string' && frame.title) ||
      (typeof frame.type === 'string' && frame.type) ||
      'Notification';
    const body = (typeof frame.message === 'string' && frame.message) || '';
    const stamp = frame.timestamp ?? frame.created_at;
    const time = parseServerTime(stamp);
    const wireId =
      typeof frame.id === 'string' || typeof frame.id === 'number' ? String(frame.id) : null;
    return {
      events: [
        {
          id: wireId
            ? `notification:${this.endpoint.id}:${wireId}`
            : stableEventId('notification', [this.endpoint.id, text]),
          endpoint: this.endpoint.id,
          channel: this.channel,
          kind: 'notification',
          severity: severityOf(frame),
          title: clip(title, 200),
          body: clip(body, 2_000),
          serverTime: time?.ms ?? null,
          receivedAt,
          data: fields,
          ...(typeof frame.link === 'string' ? { link: frame.link } : {}),
        },
      ],
    };
  }
}

function healthVerdict(status: number, body: unknown): ProbeVerdict {
  if (status === 200) return { ok: true, status: 'healthy', summary: 'Healthy.' };
  if (status === 404) {
    return {
      ok: false,
      status: 'unknown',
      summary: 'HTTP 404: the host was read as a tenant subdomain; probe it through localhost.',
    };
  }
  const detail =
    typeof body === 'object' && body !== null && 'status' in body
      ? ` (${String((body as { status: unknown }).status).slice(0, 80)})`
      : '';
  return { ok: false, status: 'down', summary: `Health check answered HTTP ${status}${detail}.` };
}

const DJANGO_PATHS = ['/ws/dashboard/', '/ws/notifications/'];

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * django's refusals explained from what Lookout actually sent: a 403 is the Origin or the role,
 * and which one follows from the Origin we put on the upgrade; a 500 is certain to be the path
 * when it lacks its trailing slash, and certain to be "not signed in" when we sent no session to
 * the dashboard. Other 500s stay ambiguous (see `rankDjango500Causes`).
 */
export function explainDjangoRefusal(
  status: number,
  sent: HandshakeSent,
  url: string,
): CodeMeaning | undefined {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (status === 500) {
    if (!path.endsWith('/')) {
      const fixed = DJANGO_PATHS.find((p) => p === `${path}/`) ?? `${path}/`;
      return {
        name: 'Wrong path (no trailing slash)',
        meaning: `django-channels answers 500 to ${path}: its routes end in a slash. Change the endpoint URL's path to ${fixed} in Settings → Endpoints.`,
        action: 'stop',
      };
    }
    if (sent.credentials === 'none' && djangoChannelOf(url) === 'dashboard') {
      return {
        name: 'Not signed in',
        meaning:
          'django-channels answers 500 to an anonymous dashboard connection, and this endpoint sends no session: set its authentication to django-session (email and password) in Settings → Endpoints.',
        action: 'stop',
      };
    }
    return undefined;
  }
  if (status !== 403) return undefined;
  const urlHost = hostOf(url);
  if (!sent.origin) {
    return {
      name: 'Forbidden: no Origin',
      meaning:
        'django-channels requires an Origin header from an allowed host, and Lookout sent none: set headers.Origin (e.g. http://localhost) in Settings → Endpoints.',
      action: 'stop',
    };
  }
  const originHost = hostOf(sent.origin);
  if (originHost === null || originHost !== urlHost) {
    return {
      name: 'Forbidden: Origin not allowed',
      meaning: `Lookout sent Origin: ${sent.origin}, a host other than the endpoint's own (${urlHost ?? '?'}), and django-channels allows only its own hosts: set headers.Origin to http://${urlHost ?? 'localhost'} in Settings → Endpoints, or remove it so Lookout sends the endpoint's own host.`,
      action: 'stop',
    };
  }
  return {
    name: 'Forbidden: not a super admin',
    meaning:
      sent.credentials === 'none'
        ? `Lookout sent Origin: ${sent.origin}, the endpoint's own host, so the Origin is not the reason; the server refuses this connection to anonymous users: configure a sign-in with a super-admin account.`
        : `Lookout sent Origin: ${sent.origin}, the endpoint's own host, so the Origin is not the reason: the account is signed in but is not a super admin. Sign in with a super-admin account.`,
    action: 'sign-in',
  };
}

/**
 * The three causes of django's 500 on an upgrade, most likely first, from what Lookout knows:
 * whether Redis answers (when a probe is configured), whether the held session is live
 * (`GET /api/auth/me/`), whether a fresh sign-in just failed to help, and the health probe.
 */
export function rankDjango500Causes(f: AmbiguityFacts): RankedCause[] {
  const causes: RankedCause[] = [];
  let slash = true;
  try {
    slash = new URL(f.url).pathname.endsWith('/');
  } catch {
    // An unreadable URL never reaches a handshake.
  }
  causes.push({
    id: 'wrong-path',
    likelihood: slash ? 'ruled-out' : 'confirmed',
    text: 'The path lacks its trailing slash: fix the endpoint URL in Settings → Endpoints.',
    evidence: slash ? 'The URL path ends in a slash.' : 'The URL path does not end in a slash.',
  });
  const sessionCause: RankedCause = !f.hasSignIn
    ? {
        id: 'not-signed-in',
        likelihood: 'likely',
        text: 'This endpoint has no sign-in, and django-channels refuses anonymous users with 500: configure django-session sign-in.',
        evidence: 'No credentials are configured for this endpoint.',
      }
    : f.session === 'dead'
      ? {
          id: 'session-expired',
          likelihood: 'likely',
          text: 'The session expired or was deleted: Lookout signs in again with the stored password by itself.',
          evidence: 'The session check says the session Lookout holds is no longer live.',
        }
      : f.session === 'live'
        ? {
            id: 'session-expired',
            likelihood: 'ruled-out',
            text: 'An expired session.',
            evidence: 'The session check says the session is live.',
          }
        : f.renewedAndStillRefused
          ? {
              id: 'session-expired',
              likelihood: 'ruled-out',
              text: 'An expired session.',
              evidence:
                'Lookout signed in again during this incident and the server still answered 500.',
            }
          : {
              id: 'session-expired',
              likelihood: 'possible',
              text: 'The session may have expired: Lookout signs in again with the stored password by itself.',
              evidence: 'The session could not be checked.',
            };
  causes.push(sessionCause);
  const sessionExcluded = sessionCause.likelihood === 'ruled-out';
  causes.push({
    id: 'redis-down',
    likelihood:
      f.redis === 'down'
        ? 'confirmed'
        : f.redis === 'up'
          ? 'ruled-out'
          : sessionExcluded && slash
            ? 'likely'
            : 'possible',
    text: "Its channel layer (Redis) is down: the server refuses every signed-in connection with 500 until Redis is back. Lookout keeps retrying and reconnects by itself; restore the backend's Redis.",
    evidence:
      f.redis === 'down'
        ? 'The configured Redis probe gets no answer from its Redis.'
        : f.redis === 'up'
          ? 'The configured Redis probe reaches its Redis.'
          : sessionExcluded
            ? 'The session and the path are fine, which leaves its Redis.'
            : 'No Redis probe is configured to check it.',
  });
  if (f.health === 'down') {
    causes.push({
      id: 'server-failing',
      likelihood: 'likely',
      text: 'The backend itself is failing: its health check does not answer healthy.',
      evidence: 'GET /api/health/ did not answer 200.',
    });
  }
  return rankCauses(causes);
}

/** django-channels super-admin dashboard and notifications (PROTOCOLS.md §5). */
export const djangoChannelsDialect: Dialect = {
  id: 'django-channels',
  description:
    'Django Channels super-admin dashboard (businesses, reservations) or notifications socket; needs an Origin and a sign-in.',
  liveness: {
    // Any frame from us within 20 s keeps daphne from pinging; ws answers its PINGs anyway.
    pingIntervalMs: 15_000,
    deadAfterMs: 45_000,
    appPing: true,
    // Events come only when businesses change; the notifications socket may never speak.
    staleAfterMs: 0,
    quietAfterMs: 0,
    silence:
      'Dashboard events come only when a business changes, and the notifications socket may never speak: silence is normal here (its Redis loss shows as a close 1011, not as silence).',
    serverKeepalive:
      'daphne sends a PING after 20 s without any frame from us and aborts (1006) about 30 s after an unanswered one; the dashboard answers {"type":"ping"}.',
  },
  closeOverrides: {
    1011: {
      name: 'Server error',
      meaning:
        'django-channels closed with 1011: a server error, or the server lost its Redis (channel layer). Reconnecting after a pause.',
      action: 'back-off',
    },
  },
  handshakeOverrides: {
    500: {
      name: 'Refused with 500 (three possible causes)',
      meaning:
        'django-channels answers 500 to an upgrade for three reasons: no or an expired session, a path without its trailing slash, or its channel layer (Redis) being down. Lookout signs in again once by itself and keeps retrying; the likely cause is listed with the evidence.',
      action: 'reauth-once',
    },
    403: {
      name: 'Forbidden (Origin or role)',
      meaning:
        'django-channels refused the upgrade: the Origin header is missing or not an allowed host (set headers.Origin, e.g. http://localhost), or the account is signed in but is not a super admin.',
      action: 'sign-in',
    },
  },
  explainRefusal: explainDjangoRefusal,
  rankCauses: rankDjango500Causes,
  deliveryCaveat: (endpoint, sent) =>
    djangoChannelOf(endpointUrls(endpoint)[0] ?? '') === 'notifications' &&
    sent.credentials !== 'cookie'
      ? sent.credentials === 'token'
        ? 'the server as built ignores the ?token= JWT, so this notifications socket is anonymous: it is accepted and never sent anything. Sign in with the Django session (auth method django-session) instead.'
        : 'this notifications socket has no sign-in, so it is anonymous: the server accepts it and never sends it anything. Configure django-session sign-in.'
      : null,
  probes: [
    { name: 'health', path: '/api/health/', hostOverride: 'localhost', interpret: healthVerdict },
  ],
  // Its channel layer is not a pub/sub listener Lookout can count; a configured Redis probe still
  // tells whether Redis answers, the likeliest cause of a 500 with a live session.
  redisChannels: [],
  defaultSubscriptions: [],
  create: (endpoint) => completeCodec(new DjangoChannelsCodec(endpoint)),
};
