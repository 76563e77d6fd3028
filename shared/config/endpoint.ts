import { z } from 'zod';

/** Backends Lookout speaks to: our own gateway and the five our users already run (PROTOCOLS.md). */
export const DIALECT_IDS = [
  'lookout',
  'sakura',
  'stats-stream',
  'task-events',
  'task-status',
  'django-channels',
] as const;
export type DialectId = (typeof DIALECT_IDS)[number];

/**
 * Why a URL a user typed is refused, in words that say what to fix; null when it is usable.
 * Stricter than a browser's parser on purpose: Chromium takes `ws://exa mple/ws` (escaping the
 * space) where Node, which opens the connection, refuses it.
 */
export function urlProblem(
  url: string,
  schemes: readonly string[],
  example: string,
): string | null {
  if (url === '') return `is empty: enter one like ${example}`;
  if (/\s/.test(url)) return 'must not contain spaces (remove them, or write %20 in a path)';
  const parts = /^([a-z][a-z0-9+.-]*:)\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(?::([^/?#]*))?/i.exec(
    url,
  );
  if (!parts) return `must be a URL like ${example}`;
  const [, scheme = '', host = '', port] = parts;
  if (!schemes.includes(scheme.toLowerCase()))
    return `must start with ${schemes.map((s) => `${s}//`).join(' or ')}`;
  if (!host) return `has no host name: write it after ${scheme}// (e.g. ${example})`;
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port)) return `has a port "${port}" that is not a number`;
    const n = Number(port);
    if (n < 1 || n > 65_535)
      return `has port ${port}, which does not exist: ports go from 1 to 65535`;
  }
  try {
    new URL(url);
  } catch {
    return `must be a URL like ${example}`;
  }
  return null;
}

/** A string field holding a URL of one of `schemes`, refused in words by `urlProblem`. */
function urlField(schemes: readonly string[], example: string, pattern: string) {
  // `format` and `pattern` say in the JSON Schema what the refinement checks (editors cannot run it).
  return z
    .string()
    .superRefine((u, ctx) => {
      const problem = urlProblem(u, schemes, example);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ format: 'uri', pattern });
}

const wsUrl = urlField(['ws:', 'wss:'], 'ws://host:port/path', '^[wW][sS][sS]?://');
const httpUrl = urlField(['http:', 'https:'], 'http://host:port/path', '^[hH][tT][tT][pP][sS]?://');
const credentialRef = z
  .string()
  .min(1, 'name the credential-store entry that holds the secret')
  .describe(
    "Name of the entry in Lookout's encrypted credential store that holds the secret (filled by signing in from the app). Never the secret itself.",
  );

/** How a session authenticates. Secrets are never here: `credentialRef` names an entry of the credential store. */
export const authSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }),
  /** A static or externally supplied token (API token, JWT pasted by an admin). */
  z.object({
    method: z.literal('token'),
    credentialRef,
    send: z.enum(['header', 'query', 'cookie']).default('header'),
    queryParam: z.string().min(1).default('token'),
    cookieName: z.string().min(1).default('token'),
  }),
  /** Email/user + password exchanged for a JWT pair at `loginUrl`, refreshed at `refreshUrl`. */
  z.object({
    method: z.literal('password-jwt'),
    username: z.string().min(1, 'enter the user name to sign in with'),
    credentialRef,
    loginUrl: httpUrl.describe('POST username + password here for a JWT pair.'),
    refreshUrl: httpUrl.optional().describe('POST the refresh token here for a new pair.'),
    send: z.enum(['header', 'query']).default('header'),
    queryParam: z.string().min(1).default('token'),
  }),
  /** Django admin login form → `sessionid` cookie (django-channels as built). */
  z.object({
    method: z.literal('django-session'),
    username: z.string().min(1, 'enter the user name to sign in with'),
    credentialRef,
    loginUrl: httpUrl.describe('The Django admin login form (its sessionid cookie is sent).'),
    /**
     * Where a session is checked before it is used (200 = live, 401/403 = dead); derived from
     * `loginUrl` as `/api/auth/me/` on the same host when absent.
     */
    sessionCheckUrl: httpUrl
      .optional()
      .describe(
        'Checked before a session is used (200 = live); default: /api/auth/me/ on the login host.',
      ),
  }),
]);
export type AuthConfig = z.infer<typeof authSchema>;

export const livenessSchema = z
  .object({
    /** Interval of WebSocket PING frames we send; 0 turns them off. */
    pingIntervalMs: z.number().int().min(0).max(600_000).optional(),
    /** A peer that answers nothing (no pong, no frame) for this long is declared dead. */
    deadAfterMs: z.number().int().min(100).max(3_600_000).optional(),
    /** An open socket delivering no data for this long is `stale` (re-subscribe, reconnect); 0 = never. */
    staleAfterMs: z.number().int().min(0).max(86_400_000).optional(),
    /** No data for this long while busy: delivery is shown as unverified; 0 = silence is normal. */
    quietAfterMs: z.number().int().min(0).max(86_400_000).optional(),
    /** Send the dialect's application-level ping (where it has one). */
    appPing: z.boolean().optional(),
  })
  .strict();

const redisUrl = z
  .string()
  .url('must be a URL like redis://host:6379/0')
  .refine((u) => /^rediss?:\/\//i.test(u), 'must start with redis:// or rediss://')
  .refine((u) => {
    try {
      return new URL(u).password === '';
    } catch {
      return true;
    }
  }, 'must not contain a password: store it in the credential store and name it in credentialRef');

/**
 * The optional Redis-side deafness probe: the backend's own Redis, where Lookout checks (with
 * `PUBSUB NUMSUB`, never publishing) that the service still holds its subscriptions.
 */
export const redisProbeSchema = z
  .object({
    /** The backend's Redis, e.g. `redis://redis.internal:6379/0`; never with a password in it. */
    url: redisUrl,
    /** Credential-store entry holding the Redis password, when it needs one. */
    credentialRef: z.string().min(1).optional(),
    /** Redis ACL user for AUTH, when not the default user. */
    username: z.string().min(1).max(200).optional(),
    /** Channels to check instead of the ones the dialect's server listens to. */
    channels: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
    /** Listeners expected on each channel (more than 1 where another service listens there too). */
    minSubscribers: z.number().int().min(1).max(1_000).default(1),
    /** How often to check while connected (ms). */
    intervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  })
  .strict();
export type RedisProbeConfig = z.infer<typeof redisProbeSchema>;

const proxyUrl = z
  .string()
  .url('must be a URL like http://proxy.example.com:3128')
  .refine(
    (u) => /^https?:\/\//i.test(u),
    'must start with http:// or https:// (SOCKS proxies are not supported)',
  )
  .refine((u) => {
    try {
      const url = new URL(u);
      return url.username === '' && url.password === '';
    } catch {
      return true;
    }
  }, 'must not contain a user or password: set proxyAuth, whose password is kept in the credential store')
  .meta({ pattern: '^[hH][tT][tT][pP][sS]?://' });

/** How an endpoint's connections reach the server (WebSocket and every HTTP call alike). */
export const proxySettingSchema = z
  .union([z.literal('system'), z.literal('direct'), proxyUrl])
  .describe(
    '"system" (default): the system proxy settings and PAC in the desktop app, HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY in the browser host; "direct": never a proxy; or an HTTP proxy URL such as http://proxy.example.com:3128 (no credentials in it).',
  );

export const proxyAuthSchema = z
  .object({
    username: z.string().min(1).max(200).describe('Proxy user (Basic authentication).'),
    credentialRef: credentialRef.describe(
      'Credential-store entry holding the proxy password (filled from the app). Never the password itself.',
    ),
  })
  .strict()
  .describe(
    'Credentials for a proxy that answers 407; the password stays in the credential store.',
  );

const sha256Fingerprint = z
  .string()
  .refine(
    (v) => /^(sha-?256[/:])?([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/i.test(v.trim()),
    'must be a SHA-256 fingerprint: 64 hex digits, with or without colons',
  );

export const tlsSettingsSchema = z
  .object({
    caFile: z
      .string()
      .min(1)
      .max(4_096)
      .optional()
      .describe(
        'A PEM file of the authorities (your private CA) to trust for this endpoint, besides the system store.',
      ),
    pinnedCertificateSha256: sha256Fingerprint
      .optional()
      .describe(
        'DISCOURAGED: trust exactly this one certificate (a self-signed server), by its SHA-256 fingerprint, instead of any authority. It breaks when the certificate is renewed, and you must have checked the fingerprint with the server’s administrator. Prefer caFile.',
      ),
  })
  .strict()
  .describe(
    'Which certificates to trust for this endpoint. There is no setting to ignore TLS errors.',
  );

export const backoffSchema = z
  .object({
    minMs: z.number().int().min(0).max(60_000).default(500),
    maxMs: z.number().int().min(100).max(3_600_000).default(20_000),
    factor: z.number().min(1).max(10).default(2),
    /** A connection open this long resets the backoff to its minimum. */
    stableAfterMs: z.number().int().min(0).max(600_000).default(10_000),
  })
  .strict()
  .refine((b) => b.maxMs >= b.minMs, { message: 'maxMs must be at least minMs', path: ['maxMs'] });

export const endpointSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'use lowercase letters, digits and dashes (e.g. "prod-dashboard")',
      )
      .describe('Unique id: lowercase letters, digits and dashes.'),
    name: z
      .string()
      .min(1, 'enter a name, e.g. "Production dashboard"')
      .max(80, 'keep the name under 80 characters')
      .describe('Shown in the app.'),
    dialect: z.enum(DIALECT_IDS).describe('Which backend this is (how its frames are read).'),
    /** One URL, or several gateway instances to fail over between (first is preferred). */
    url: z
      .union([
        wsUrl,
        z.array(wsUrl).min(1, 'list at least one URL').max(16, 'list at most 16 URLs'),
      ])
      .describe('ws:// or wss:// URL, or several to fail over between (the first is preferred).'),
    enabled: z.boolean().default(true),
    auth: authSchema
      .default({ method: 'none' })
      .describe('How to sign in; secrets are never here.'),
    /** Channels / subscription types / task ids to subscribe to after every (re)connect. */
    subscriptions: z
      .array(z.string().min(1).max(200))
      .max(500)
      .default([])
      .describe('Channels, subscription types or task ids, subscribed after every connect.'),
    /** Extra upgrade headers, e.g. `Origin` for django-channels. Never put secrets here. */
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra headers on the WebSocket upgrade (e.g. Origin). Never secrets.'),
    /** Dialect parameters, e.g. `userId` for task-events. */
    params: z
      .record(z.string(), z.string())
      .default({})
      .describe('Dialect parameters, e.g. userId for task-events.'),
    /** Base URL of the backend's HTTP API for health / stats probes; derived from `url` when absent. */
    httpBase: httpUrl
      .optional()
      .describe('HTTP API base for health and stats probes; derived from url when absent.'),
    liveness: livenessSchema.default({}),
    /** Optional Redis-side deafness probe (PUBSUB NUMSUB on the channels the service listens to). */
    redisProbe: redisProbeSchema.optional(),
    proxy: proxySettingSchema.optional(),
    proxyAuth: proxyAuthSchema.optional(),
    tls: tlsSettingsSchema.optional(),
    backoff: backoffSchema.default({ minMs: 500, maxMs: 20_000, factor: 2, stableAfterMs: 10_000 }),
    maxPayloadBytes: z
      .number()
      .int()
      .min(1_024)
      .max(256 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    /**
     * How much of this endpoint's traffic the frame log keeps, in bytes of frame text (default
     * 2 MiB): earlier connections stay in it across reconnects until newer frames push them out.
     */
    frameLogBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(2 * 1024 * 1024)
      .describe(
        'Bytes of frames the Diagnostics frame log keeps for this endpoint (default 2 MiB).',
      ),
    /** Give up after this long without a successful upgrade (ms). */
    handshakeTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export type EndpointConfig = z.infer<typeof endpointSchema>;

/** An endpoint's network settings: how its WebSocket and HTTP calls reach the server. */
export interface EndpointNetwork {
  proxy: 'system' | 'direct' | (string & {});
  proxyAuth?: z.infer<typeof proxyAuthSchema>;
  tls?: z.infer<typeof tlsSettingsSchema>;
}

/** The network settings of an endpoint, defaults filled in. */
export function endpointNetwork(
  endpoint: Pick<EndpointConfig, 'proxy' | 'proxyAuth' | 'tls'>,
): EndpointNetwork {
  return {
    proxy: endpoint.proxy ?? 'system',
    ...(endpoint.proxyAuth ? { proxyAuth: endpoint.proxyAuth } : {}),
    ...(endpoint.tls ? { tls: endpoint.tls } : {}),
  };
}
export type EndpointInput = z.input<typeof endpointSchema>;

/** The format version of `endpoints.json` this Lookout writes (its history: `file-formats.ts`). */
export const ENDPOINTS_FILE_VERSION = 1;
/** Where the file Lookout writes finds its JSON Schema: written beside it, in the data folder. */
export const ENDPOINTS_SCHEMA_REF = './endpoints.schema.json';

export const endpointsFileSchema = z
  .object({
    $schema: z
      .string()
      .optional()
      .describe('The JSON Schema of this file, for editors (Lookout writes its own beside it).'),
    version: z.literal(ENDPOINTS_FILE_VERSION).describe('Format version of this file.'),
    endpoints: z.array(endpointSchema).max(64).describe('The backends Lookout connects to.'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.endpoints.forEach((e, i) => {
      if (seen.has(e.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate endpoint id "${e.id}"`,
          path: ['endpoints', i, 'id'],
        });
      }
      seen.add(e.id);
    });
  });
export type EndpointsFile = z.infer<typeof endpointsFileSchema>;

/** Validation problems as `endpoints[1].url: must start with ws:// or wss://` lines. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** First URL of an endpoint (the preferred one). */
export function endpointUrls(endpoint: Pick<EndpointConfig, 'url'>): string[] {
  return Array.isArray(endpoint.url) ? endpoint.url : [endpoint.url];
}
