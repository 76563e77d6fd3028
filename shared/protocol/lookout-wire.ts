import { z } from 'zod';
import { EVENT_KINDS, SEVERITIES, type Json } from '../model/live-event';

/**
 * The `lookout` wire protocol (docs/protocol.md): every frame is a JSON object with `type`.
 * The gateway and the client codec both validate against these schemas, so the two sides
 * cannot drift apart silently. No node:* imports here: the renderer imports shared/ too.
 */

/** Version the gateway announces in `hello`; bumped only on incompatible changes. */
export const LOOKOUT_PROTOCOL_VERSION = 1;

/** Channel names the protocol knows; rights are decided by the gateway per name. */
export const CHANNEL_PATTERN =
  /^(dashboard|stats|notifications:[A-Za-z0-9._@-]{1,128}|tasks:[A-Za-z0-9._@-]{1,128}|task:[A-Za-z0-9._-]{1,128})$/;

export const channelSchema = z
  .string()
  .regex(
    CHANNEL_PATTERN,
    'unknown channel (dashboard, stats, notifications:<user>, tasks:<user>, task:<id>)',
  );

/** JSON value, validated recursively so a frame can never smuggle a non-JSON value into a LiveEvent. */
export const jsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonSchema),
    z.record(z.string(), jsonSchema),
  ]),
);

const seqSchema = z.number().int().min(0);

// ---------------------------------------------------------------- client → server

export const subscribeFrameSchema = z
  .object({
    type: z.literal('subscribe'),
    channel: z.string().min(1).max(200),
    /** Last seq the client saw on this channel: the gateway replays everything after it. */
    since: seqSchema.optional(),
  })
  .strict();

export const unsubscribeFrameSchema = z
  .object({ type: z.literal('unsubscribe'), channel: z.string().min(1).max(200) })
  .strict();

export const pingFrameSchema = z
  .object({ type: z.literal('ping'), t: z.number().finite() })
  .strict();

export const clientFrameSchema = z.discriminatedUnion('type', [
  subscribeFrameSchema,
  unsubscribeFrameSchema,
  pingFrameSchema,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export const CLIENT_FRAME_TYPES = ['subscribe', 'unsubscribe', 'ping'] as const;

// ---------------------------------------------------------------- server → client

export const roleSchema = z.enum(['super_admin', 'support', 'user']);
export type Role = z.infer<typeof roleSchema>;

export const limitsSchema = z.object({
  maxPayloadBytes: z.number().int().positive(),
  maxSubscriptions: z.number().int().positive(),
  ratePerSecond: z.number().positive(),
  rateBurst: z.number().int().positive(),
});
export type WireLimits = z.infer<typeof limitsSchema>;

export const helloFrameSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  serverTime: z.number(),
  connectionId: z.string().min(1),
  instanceId: z.string().min(1),
  heartbeatMs: z.number().int().positive(),
  limits: limitsSchema,
  user: z.object({ sub: z.string().min(1), role: roleSchema }),
  /** Seconds-since-epoch expiry of the access token: the connection closes 4001 at that time. */
  tokenExpiresAt: z.number().int().optional(),
});

export const subscribedFrameSchema = z.object({
  type: z.literal('subscribed'),
  channel: z.string(),
  /** Latest seq of the channel when the subscription took effect (0 = empty channel). */
  head: seqSchema,
  /** How many events the gateway replays right after this ack. */
  replayed: z.number().int().min(0).optional(),
});

export const unsubscribedFrameSchema = z.object({
  type: z.literal('unsubscribed'),
  channel: z.string(),
});

export const eventFrameSchema = z.object({
  type: z.literal('event'),
  channel: z.string(),
  seq: z.number().int().positive(),
  id: z.string().min(1).max(300),
  kind: z.enum(EVENT_KINDS),
  severity: z.enum(SEVERITIES),
  title: z.string().max(500),
  body: z.string().max(10_000),
  /** Server time of the event, epoch ms. */
  time: z.number(),
  data: z.record(z.string(), jsonSchema),
  link: z.string().max(500).optional(),
});
export type WireEvent = z.infer<typeof eventFrameSchema>;

export const resetFrameSchema = z.object({
  type: z.literal('reset'),
  channel: z.string(),
  head: seqSchema,
  reason: z.string().optional(),
});

export const pongFrameSchema = z.object({
  type: z.literal('pong'),
  t: z.number(),
  serverTime: z.number(),
});

export const heartbeatFrameSchema = z.object({
  type: z.literal('heartbeat'),
  serverTime: z.number(),
});

/** Machine-readable error codes of `error` frames (docs/protocol.md "Errors"). */
export const ERROR_CODES = [
  'bad-json',
  'not-an-object',
  'unknown-type',
  'bad-frame',
  'unknown-channel',
  'forbidden',
  'too-many-subscriptions',
  'not-subscribed',
  'storage-unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorFrameSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  channel: z.string().optional(),
});

export const serverFrameSchema = z.discriminatedUnion('type', [
  helloFrameSchema,
  subscribedFrameSchema,
  unsubscribedFrameSchema,
  eventFrameSchema,
  resetFrameSchema,
  pongFrameSchema,
  heartbeatFrameSchema,
  errorFrameSchema,
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
export const SERVER_FRAME_TYPES = [
  'hello',
  'subscribed',
  'unsubscribed',
  'event',
  'reset',
  'pong',
  'heartbeat',
  'error',
] as const;

// ---------------------------------------------------------------- HTTP

/** What a publisher posts to `POST /publish` (one event, or `{events: [...]}`). */
export const publishInputSchema = z
  .object({
    channel: channelSchema,
    kind: z.enum(EVENT_KINDS),
    severity: z.enum(SEVERITIES).default('info'),
    title: z.string().max(500).default(''),
    body: z.string().max(10_000).default(''),
    data: z.record(z.string(), jsonSchema).default({}),
    link: z.string().max(500).optional(),
    /** Publisher-given id (idempotent across retries on the client side); default `<channel>:<seq>`. */
    id: z.string().min(1).max(300).optional(),
    /** Event time, epoch ms; default: when the gateway stored it. */
    time: z.number().optional(),
  })
  .strict();
export type PublishInput = z.input<typeof publishInputSchema>;
export type PublishEvent = z.infer<typeof publishInputSchema>;

export const publishBodySchema = z.union([
  publishInputSchema,
  z.object({ events: z.array(publishInputSchema).min(1).max(500) }).strict(),
]);

/**
 * `POST /auth/login`: `{username, password}`, or `{email, password}` as SimpleJWT-style clients
 * (the app's password-jwt provider, for e-mail user names) send it.
 */
export const loginRequestSchema = z
  .object({
    username: z.string().min(1).max(200).optional(),
    email: z.string().min(1).max(200).optional(),
    password: z.string().min(1).max(500),
  })
  .strict()
  .refine((b) => (b.username ?? b.email) !== undefined, {
    message: 'username or email is required',
  })
  .transform((b) => ({ username: (b.username ?? b.email) as string, password: b.password }));
export const refreshRequestSchema = z.object({ refresh: z.string().min(1).max(8_192) }).strict();

/** Answer of `/auth/login` and `/auth/refresh` (field names shared with the django backend). */
export const tokenResponseSchema = z.object({
  access: z.string(),
  refresh: z.string(),
  expiresIn: z.number().int().positive(),
  user: z.object({ sub: z.string(), role: roleSchema }),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Error body of every HTTP endpoint. */
export const httpErrorSchema = z.object({ error: z.string(), message: z.string() });
