/**
 * Realistic frames, a few hundred bytes each, as the backends send them. `sentAt` (monotonic ms,
 * see hr-clock.ts) travels inside the event's data so a receiver in another process can compute
 * the send-to-handling latency. Every frame has a unique id/seq so no layer can skip work by
 * deduplicating.
 */

const NAMES = [
  'Sakura Ramen',
  'Blue Door Dental',
  'Kettle & Crumb',
  'Harbor Yoga',
  'Nordlicht Spa',
];
const STATUSES = ['active', 'trialing', 'past_due'];

/** Which mix of events a lookout burst carries. */
export type LookoutMix = 'dashboard' | 'critical' | 'render';

/** A lookout `event` frame (docs/protocol.md) on `dashboard`, seq `seq` (1-based). */
export function lookoutEventFrame(seq: number, sentAt: number, mix: LookoutMix): string {
  const biz = seq % 500;
  const name = `${NAMES[biz % NAMES.length] ?? 'Shop'} ${biz}`;
  const time = Date.now();
  if (mix === 'render') {
    // A unique, searchable title: the renderer benchmark finds it in the DOM.
    return JSON.stringify({
      type: 'event',
      channel: 'dashboard',
      seq,
      id: `dashboard:${seq}`,
      kind: 'notification',
      severity: 'info',
      title: `Bench event ${seq}`,
      body: `Reservation changes for ${name}: 2 new, 1 cancelled in the last minute.`,
      time,
      data: { businessId: String(biz), sentAt },
      link: `businesses/${biz}`,
    });
  }
  if (mix === 'critical') {
    return JSON.stringify({
      type: 'event',
      channel: 'dashboard',
      seq,
      id: `dashboard:${seq}`,
      kind: 'alert',
      severity: 'critical',
      title: `Payment provider errors for ${name}`,
      body: `Stripe webhooks failing for ${name}: 5 errors in the last minute (HTTP 502).`,
      time,
      data: { businessId: String(biz), provider: 'stripe', errors: 5, status: 502, sentAt },
      link: `businesses/${biz}`,
    });
  }
  switch (seq % 4) {
    case 0:
      return JSON.stringify({
        type: 'event',
        channel: 'dashboard',
        seq,
        id: `dashboard:${seq}`,
        kind: 'reservation.created',
        severity: 'info',
        title: `New reservation for ${name}`,
        body: `Table for 4 on Friday at 19:30, booked online by guest #${seq}.`,
        time,
        data: { reservationId: seq, business: biz, businessName: name, partySize: 4, sentAt },
        link: `businesses/${biz}`,
      });
    case 1:
      return JSON.stringify({
        type: 'event',
        channel: 'dashboard',
        seq,
        id: `dashboard:${seq}`,
        kind: 'business.created',
        severity: 'info',
        title: `New business “${name}” created`,
        body: `Subdomain shop-${biz}, subscription trialing, active`,
        time,
        data: { businessId: String(biz), name, subdomain: `shop-${biz}`, plan: 'pro', sentAt },
        link: `businesses/${biz}`,
      });
    default:
      return JSON.stringify({
        type: 'event',
        channel: 'dashboard',
        seq,
        id: `dashboard:${seq}`,
        kind: 'business.updated',
        severity: 'info',
        title: `Business “${name}” updated`,
        body: `Subdomain shop-${biz}, subscription ${STATUSES[seq % 3] ?? 'active'}, active`,
        time,
        data: {
          businessId: String(biz),
          name,
          subdomain: `shop-${biz}`,
          subscription_status: STATUSES[seq % 3] ?? 'active',
          is_active: true,
          sentAt,
        },
        link: `businesses/${biz}`,
      });
  }
}

/** A django-channels dashboard frame (PROTOCOLS.md §5): business created/updated or reservation. */
export function djangoFrame(n: number, sentAt: number): string {
  const biz = n % 500;
  const name = `${NAMES[biz % NAMES.length] ?? 'Shop'} ${biz}`;
  const micros = String(n % 1_000_000).padStart(6, '0');
  const timestamp = `2026-11-22 21:56:${String(n % 60).padStart(2, '0')}.${micros}+00:00`;
  if (n % 4 === 0) {
    return JSON.stringify({
      type: 'reservation_created',
      payload: {
        reservation: {
          id: n,
          business: biz,
          party_size: 4,
          starts_at: '2026-11-27T19:30:00Z',
          sent_at: sentAt,
        },
        business_name: name,
        message: `New reservation for ${name}`,
      },
      timestamp,
    });
  }
  return JSON.stringify({
    type: n % 4 === 1 ? 'business_created' : 'business_updated',
    payload: {
      business: {
        id: biz,
        name,
        subdomain: `shop-${biz}`,
        subscription_status: STATUSES[n % 3] ?? 'active',
        is_active: true,
        updated_at: `2026-11-22T21:56:50.${micros}Z#${n}`,
        sent_at: sentAt,
      },
      message: `Business ${name} changed`,
    },
    timestamp,
  });
}

/** The dialects the frame server can speak. */
export type FrameDialect = 'lookout' | 'django-channels';

export function frameFor(
  dialect: FrameDialect,
  n: number,
  sentAt: number,
  mix: LookoutMix,
): string {
  return dialect === 'lookout' ? lookoutEventFrame(n, sentAt, mix) : djangoFrame(n, sentAt);
}

/** `sentAt` from a decoded event's data (lookout `sentAt`, django `sent_at`). */
export function sentAtOf(data: Record<string, unknown>): number | undefined {
  const v = data.sentAt ?? data.sent_at;
  return typeof v === 'number' ? v : undefined;
}
