import { z } from 'zod';
import { schemaReason } from './wire';

/**
 * The two dashboard payloads of django-channels (PROTOCOLS.md §5), read into one plain shape.
 * `readBusinessPayload`/`readReservationPayload` first try a field-by-field check that accepts
 * exactly what the zod schemas accept, without building a zod result (the hot path: zod copied
 * every business object and cost ~3 µs a frame); anything not plainly valid goes through the
 * schema, which then says what is wrong. Property-tested equal in django-payloads.test.ts.
 */

export interface BusinessPayload {
  /** The wire's business object, unchanged (its `id` may be a number there). */
  business: Record<string, unknown>;
  /** The business id as text. */
  id: string;
  name: string | undefined;
  message: string | undefined;
}

export interface ReservationPayload {
  reservation: Record<string, unknown>;
  id: string | undefined;
  businessName: string | undefined;
  message: string | undefined;
}

const wireId = z.union([z.string(), z.number()]).transform(String);
export const businessPayloadSchema = z.object({
  business: z.looseObject({
    id: wireId,
    name: z.string().optional(),
    updated_at: z.unknown().optional(),
  }),
  message: z.string().optional(),
});
export const reservationPayloadSchema = z.object({
  reservation: z.looseObject({ id: wireId.optional() }),
  business_name: z.string().optional(),
  message: z.string().optional(),
});

/**
 * A plain object the fast path may keep as it is. One with an own `__proto__` key (JSON.parse
 * makes one from `{"__proto__": …}`) is left to the schema, which drops that key: kept, it would
 * set the prototype of any object it is later spread or assigned into.
 */
function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Object.hasOwn(value, '__proto__')
    ? (value as Record<string, unknown>)
    : null;
}

function optionalText(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function idText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

/** The business payload as the schema reads it, or null when it is not plainly valid. */
export function fastBusinessPayload(payload: unknown): BusinessPayload | null {
  const p = record(payload);
  const business = p && record(p.business);
  if (!p || !business) return null;
  const id = idText(business.id);
  const { name } = business;
  const { message } = p;
  if (id === null || !optionalText(name) || !optionalText(message)) return null;
  return { business, id, name, message };
}

/** The reservation payload as the schema reads it, or null when it is not plainly valid. */
export function fastReservationPayload(payload: unknown): ReservationPayload | null {
  const p = record(payload);
  const reservation = p && record(p.reservation);
  if (!p || !reservation) return null;
  const id = reservation.id === undefined ? undefined : idText(reservation.id);
  const { business_name: businessName, message } = p;
  if (id === null || !optionalText(businessName) || !optionalText(message)) return null;
  return { reservation, id, businessName, message };
}

/** Either the payload or the rejection reason (`schema: payload.business.id: …`). */
export function readBusinessPayload(payload: unknown): BusinessPayload | string {
  const fast = fastBusinessPayload(payload);
  if (fast) return fast;
  const parsed = businessPayloadSchema.safeParse(payload);
  if (!parsed.success) return schemaReason(parsed.error);
  const { business, message } = parsed.data;
  return { business, id: business.id, name: business.name, message };
}

export function readReservationPayload(payload: unknown): ReservationPayload | string {
  const fast = fastReservationPayload(payload);
  if (fast) return fast;
  const parsed = reservationPayloadSchema.safeParse(payload);
  if (!parsed.success) return schemaReason(parsed.error);
  const { reservation, business_name: businessName, message } = parsed.data;
  return { reservation, id: reservation.id, businessName, message };
}
