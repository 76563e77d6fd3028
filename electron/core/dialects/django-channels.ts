import { endpointUrls } from '../../../shared/config/endpoint';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EventKind, LiveEvent, Severity } from '../../../shared/model/live-event';
import { SEVERITIES } from '../../../shared/model/live-event';
import type {
  Credentials,
  DecodeResult,
  Dialect,
  DialectCodec,
  HandshakePlan,
  ProbeVerdict,
} from './dialect';
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

class DjangoChannelsCodec implements DialectCodec {
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
  onOpen(): string[] {
    return [];
  }
  // Each socket is one fixed group: subscription is by URL.
  subscribe(): null {
    return null;
  }
  unsubscribe(): null {
    return null;
  }
  // The notifications consumer ignores client messages, so a ping there would never be answered.
  appPing(): string | null {
    return this.channel === 'dashboard' ? '{"type":"ping"}' : null;
  }

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
      name: 'Not signed in (or wrong path)',
      meaning:
        'django-channels answers 500 to an anonymous connection: sign in again (the session cookie is missing or expired; a ?token= alone is ignored by the server as built). It also answers 500 when the path lacks its trailing slash (/ws/dashboard/).',
      action: 'sign-in',
    },
    403: {
      name: 'Forbidden (Origin or role)',
      meaning:
        'django-channels refused the upgrade: the Origin header is missing or not an allowed host (set headers.Origin, e.g. http://localhost), or the account is signed in but is not a super admin.',
      action: 'sign-in',
    },
  },
  probes: [
    { name: 'health', path: '/api/health/', hostOverride: 'localhost', interpret: healthVerdict },
  ],
  defaultSubscriptions: [],
  create: (endpoint) => new DjangoChannelsCodec(endpoint),
};
