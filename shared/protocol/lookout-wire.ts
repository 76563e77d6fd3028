import { z } from 'zod';
import { EVENT_KINDS, SEVERITIES, type Json } from '../model/live-event';

/**
 * The `lookout` wire protocol (docs/protocol.md): every frame is a JSON object with `type`.
 * The gateway and the client codec both validate against these schemas, so the two sides
 * cannot drift apart silently. No node:* imports here: the renderer imports shared/ too.
 */

/**
 * Version the gateway announces in `hello` (docs/protocol.md §1, "Versions"). 2 added stream epochs
 * (`epoch` on `subscribed`, `reset`, `event` and, from the client, `subscribe`), the `new-epoch`
 * reset and event origins. Every addition is an optional field a version-1 peer ignores, except
 * `subscribe.epoch`, which a version-1 gateway refuses: a client sends it only to a gateway that
 * gave it an epoch (so speaks version 2), and forgets its epochs when a `hello` says 1.
 */
export const LOOKOUT_PROTOCOL_VERSION = 2;

/** The first protocol version with epochs: a client may send `subscribe.epoch` to it. */
export const EPOCHS_SINCE_VERSION = 2;

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

/**
 * A channel log's incarnation: it changes whenever the channel's history is lost (an in-memory
 * gateway started again, Redis came back without the stream or its counter). Seqs are only
 * comparable within one epoch.
 */
export const epochSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'epoch: letters, digits, "_" and "-"');

/**
 * Why a gateway answered `reset` instead of replaying (docs/protocol.md §4): `new-epoch` and
 * `cursor-ahead` mean the gateway lost the history the cursor belongs to; `too-old` that the
 * history is still there but no longer reaches back to the cursor.
 */
export const RESET_REASONS = ['too-old', 'cursor-ahead', 'new-epoch'] as const;
export type ResetReason = (typeof RESET_REASONS)[number];

/** The real-world occurrence an event reports; shared by every channel one publish reached. */
const originSchema = z.string().min(1).max(300);

// ---------------------------------------------------------------- client → server

export const subscribeFrameSchema = z
  .object({
    type: z.literal('subscribe'),
    channel: z.string().min(1).max(200),
    /** Last seq the client saw on this channel: the gateway replays everything after it. */
    since: seqSchema.optional(),
    /** The epoch `since` belongs to (protocol 2): another epoch than the channel's answers `reset` `new-epoch`. */
    epoch: epochSchema.optional(),
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
  /** The epoch `head` belongs to (protocol 2). */
  epoch: epochSchema.optional(),
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
  /** The epoch `seq` belongs to (protocol 2). */
  epoch: epochSchema.optional(),
  /** Set when the same occurrence went to several channels, or the publisher named it (protocol 2). */
  origin: originSchema.optional(),
});
export type WireEvent = z.infer<typeof eventFrameSchema>;

export const resetFrameSchema = z.object({
  type: z.literal('reset'),
  channel: z.string(),
  /** The client's new cursor: live delivery (and any replay) continues after it. */
  head: seqSchema,
  /** The epoch `head` belongs to (protocol 2). */
  epoch: epochSchema.optional(),
  /** One of RESET_REASONS; any other string is read as "history lost for an unknown reason". */
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

const publishFields = {
  kind: z.enum(EVENT_KINDS),
  severity: z.enum(SEVERITIES).default('info'),
  title: z.string().max(500).default(''),
  body: z.string().max(10_000).default(''),
  data: z.record(z.string(), jsonSchema).default({}),
  link: z.string().max(500).optional(),
  /**
   * Publisher-given id: names the occurrence (it is also the event's `origin`, so copies on
   * several channels, and retries, are one notification); default `<channel>:<seq>`.
   */
  id: z.string().min(1).max(300).optional(),
  /** Event time, epoch ms; default: when the gateway stored it. */
  time: z.number().optional(),
};

/** Most channels one publish may name. */
export const MAX_PUBLISH_CHANNELS = 20;

/**
 * What a publisher posts to `POST /publish` (one event, or `{events: [...]}`): for `channel`, or
 * for `channels` when one occurrence goes to several channels (the events then share an origin).
 */
export const publishInputSchema = z
  .object({
    channel: channelSchema.optional(),
    channels: z.array(channelSchema).min(1).max(MAX_PUBLISH_CHANNELS).optional(),
    ...publishFields,
  })
  .strict()
  .refine((e) => (e.channel === undefined) !== (e.channels === undefined), {
    message: 'give either "channel" or "channels"',
    path: ['channel'],
  });
export type PublishInput = z.input<typeof publishInputSchema>;

/** One event as a log stores it: one channel, and the origin the gateway settled. */
export const publishEventSchema = z
  .object({ channel: channelSchema, origin: originSchema.optional(), ...publishFields })
  .strict();
export type PublishEvent = z.infer<typeof publishEventSchema>;

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
