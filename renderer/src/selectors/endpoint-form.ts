import {
  DIALECT_IDS,
  endpointSchema,
  endpointUrls,
  formatIssues,
  urlProblem,
  type DialectId,
  type EndpointInput,
} from '../../../shared/config/endpoint';

/** The endpoint form's flat fields (what the inputs hold). */
export interface EndpointForm {
  id: string;
  name: string;
  dialect: DialectId;
  /** One URL per line (several = failover). */
  urls: string;
  enabled: boolean;
  authMethod: 'none' | 'token' | 'password-jwt' | 'django-session';
  username: string;
  loginUrl: string;
  tokenSend: 'header' | 'query' | 'cookie';
  /** One per line or comma separated. */
  subscriptions: string;
  /** Password or token; only sent to main, never read back. */
  secret: string;
  /** The backend's Redis for the deafness probe (optional; never with a password in it). */
  redisUrl: string;
  /** The Redis password; only sent to main, stored under the probe's credentialRef. */
  redisSecret: string;
  /** `system` (OS settings / PAC / *_PROXY), `direct`, or `url` (the proxy below). */
  proxyMode: 'system' | 'direct' | 'url';
  proxyUrl: string;
  /** Proxy user for a proxy that answers 407 (its password goes to the credential store). */
  proxyUser: string;
  /** The proxy password; only sent to main, never read back. */
  proxySecret: string;
  /** A PEM file of the private CA to trust for this endpoint. */
  caFile: string;
  /** Discouraged: one pinned certificate (SHA-256) for a self-signed server. */
  pinnedSha256: string;
  /** Kept from a loaded config so saving does not drop fields the form does not show. */
  rest: Partial<EndpointInput>;
}

export const DIALECT_LABELS: Record<DialectId, string> = {
  lookout: 'Lookout gateway',
  sakura: 'Sakura dashboard',
  'stats-stream': 'Stats stream',
  'task-events': 'Task events',
  'task-status': 'Task status',
  'django-channels': 'Django Channels',
};

export const DIALECT_OPTIONS = DIALECT_IDS;

export function emptyForm(): EndpointForm {
  return {
    id: '',
    name: '',
    dialect: 'lookout',
    urls: '',
    enabled: true,
    authMethod: 'none',
    username: '',
    loginUrl: '',
    tokenSend: 'header',
    subscriptions: '',
    secret: '',
    redisUrl: '',
    redisSecret: '',
    proxyMode: 'system',
    proxyUrl: '',
    proxyUser: '',
    proxySecret: '',
    caFile: '',
    pinnedSha256: '',
    rest: {},
  };
}

/**
 * What the Redis probe checks per backend, for the form's hint; absent = no probe offered (its
 * server holds no Redis subscription Lookout could count, and a 500 is not ambiguous there).
 */
export const REDIS_PROBE_HINTS: Partial<Record<DialectId, string>> = {
  sakura:
    'Lookout checks (read-only: PUBSUB NUMSUB) that sakura still listens on chat_updates, unread_counts and website_status: after its Redis restarts it goes deaf.',
  'task-status':
    'Lookout checks (read-only: PUBSUB NUMSUB) that task-status still listens on task_status_updates: after its Redis restarts it goes deaf.',
  'django-channels':
    "Lookout pings its channel layer's Redis to tell a Redis outage from an expired session when the server answers 500.",
};

/** A stored endpoint config → form fields. */
export function formFromEndpoint(e: EndpointInput): EndpointForm {
  const auth = e.auth ?? { method: 'none' as const };
  return {
    id: e.id,
    name: e.name,
    dialect: e.dialect,
    urls: endpointUrls({ url: e.url }).join('\n'),
    enabled: e.enabled ?? true,
    authMethod: auth.method,
    username: 'username' in auth ? auth.username : '',
    loginUrl: 'loginUrl' in auth ? auth.loginUrl : '',
    tokenSend: auth.method === 'token' ? (auth.send ?? 'header') : 'header',
    subscriptions: (e.subscriptions ?? []).join('\n'),
    secret: '',
    redisUrl: e.redisProbe?.url ?? '',
    redisSecret: '',
    proxyMode:
      e.proxy === undefined || e.proxy === 'system'
        ? 'system'
        : e.proxy === 'direct'
          ? 'direct'
          : 'url',
    proxyUrl: e.proxy && e.proxy !== 'system' && e.proxy !== 'direct' ? e.proxy : '',
    proxyUser: e.proxyAuth?.username ?? '',
    proxySecret: '',
    caFile: e.tls?.caFile ?? '',
    pinnedSha256: e.tls?.pinnedCertificateSha256 ?? '',
    rest: e,
  };
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Form fields → the endpoint config main validates and stores. */
export function endpointFromForm(f: EndpointForm): EndpointInput {
  const urls = lines(f.urls);
  const credentialRef =
    (f.rest.auth && 'credentialRef' in f.rest.auth ? f.rest.auth.credentialRef : undefined) ?? f.id;
  let auth: EndpointInput['auth'];
  switch (f.authMethod) {
    case 'none':
      auth = { method: 'none' };
      break;
    case 'token':
      auth = { method: 'token', credentialRef, send: f.tokenSend };
      break;
    case 'password-jwt':
      auth = {
        method: 'password-jwt',
        username: f.username.trim(),
        credentialRef,
        loginUrl: f.loginUrl.trim(),
      };
      break;
    case 'django-session':
      auth = {
        method: 'django-session',
        username: f.username.trim(),
        credentialRef,
        loginUrl: f.loginUrl.trim(),
      };
      break;
  }
  const {
    redisProbe: storedProbe,
    proxy: _proxy,
    proxyAuth: storedProxyAuth,
    tls: _tls,
    ...rest
  } = f.rest;
  const proxyUser = f.proxyUser.trim();
  const caFile = f.caFile.trim();
  const pinned = f.pinnedSha256.trim();
  const redisUrl = f.redisUrl.trim();
  const redisRef =
    storedProbe?.credentialRef ?? (f.redisSecret ? `${f.id.trim()}-redis` : undefined);
  return {
    ...rest,
    id: f.id.trim(),
    name: f.name.trim(),
    dialect: f.dialect,
    url: urls.length <= 1 ? (urls[0] ?? '') : urls,
    enabled: f.enabled,
    auth,
    subscriptions: lines(f.subscriptions),
    ...(redisUrl && REDIS_PROBE_HINTS[f.dialect]
      ? {
          redisProbe: {
            ...storedProbe,
            url: redisUrl,
            ...(redisRef ? { credentialRef: redisRef } : {}),
          },
        }
      : {}),
    ...(f.proxyMode === 'direct'
      ? { proxy: 'direct' }
      : f.proxyMode === 'url'
        ? { proxy: f.proxyUrl.trim() }
        : {}),
    ...(proxyUser && f.proxyMode !== 'direct'
      ? {
          proxyAuth: {
            username: proxyUser,
            credentialRef: storedProxyAuth?.credentialRef ?? `${f.id.trim()}-proxy`,
          },
        }
      : {}),
    ...(caFile || pinned
      ? {
          tls: {
            ...(caFile ? { caFile } : {}),
            ...(pinned ? { pinnedCertificateSha256: pinned } : {}),
          },
        }
      : {}),
  };
}

/** Form field a config path belongs to (`url[1]` → `urls`, `auth.loginUrl` → `loginUrl`). */
function fieldOf(path: string): keyof EndpointForm | 'form' {
  if (path.startsWith('url')) return 'urls';
  if (path.startsWith('auth.username')) return 'username';
  if (path.startsWith('auth.loginUrl')) return 'loginUrl';
  // The form names the secret's store entry after the id: a problem there is the id's.
  if (path.startsWith('auth.credentialRef')) return 'id';
  if (path.startsWith('auth')) return 'authMethod';
  if (path.startsWith('subscriptions')) return 'subscriptions';
  if (path.startsWith('redisProbe')) return 'redisUrl';
  if (path === 'proxy' || path.startsWith('proxy.')) return 'proxyUrl';
  if (path.startsWith('proxyAuth')) return 'proxyUser';
  if (path.startsWith('tls.caFile')) return 'caFile';
  if (path.startsWith('tls.pinned')) return 'pinnedSha256';
  if (path.startsWith('id')) return 'id';
  if (path.startsWith('name')) return 'name';
  if (path.startsWith('dialect')) return 'dialect';
  return 'form';
}

/** Validation with the shared schema: messages per form field, empty when valid. */
export function validateForm(
  f: EndpointForm,
): Partial<Record<keyof EndpointForm | 'form', string[]>> {
  const parsed = endpointSchema.safeParse(endpointFromForm(f));
  const out: Partial<Record<keyof EndpointForm | 'form', string[]>> = {};
  if (parsed.success) return out;
  for (const line of formatIssues(parsed.error)) {
    const sep = line.indexOf(': ');
    const path = line.slice(0, sep);
    const message = line.slice(sep + 2);
    const field = fieldOf(path);
    // One message per field: the id's own rule says what an empty credentialRef would.
    if (path.startsWith('auth.credentialRef') && out.id) continue;
    const list = (out[field] ??= []);
    const text = field === 'form' ? line : message;
    if (!list.includes(text)) list.push(text);
  }
  return out;
}

/** An endpoint id from its name: `Production dashboard (EU)` → `production-dashboard-eu`. */
export function idFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * The sign-in URL our gateway answers beside a WebSocket URL (`ws://host:8765/ws` →
 * `http://host:8765/auth/login`), or '' when the URL is not one yet. Only for the Lookout
 * gateway: other backends put their login elsewhere.
 */
export function suggestedLoginUrl(dialect: DialectId, wsUrls: string): string {
  if (dialect !== 'lookout') return '';
  const first = lines(wsUrls)[0] ?? '';
  if (urlProblem(first, ['ws:', 'wss:'], '') !== null) return '';
  const url = new URL(first);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}/auth/login`;
}

/**
 * The form after the user edited `change`: the id follows the name and the login URL follows the
 * WebSocket URL until the user types one of their own (`idEdited`, `loginEdited`).
 */
export function applyFormChange(
  f: EndpointForm,
  change: Partial<EndpointForm>,
  auto: { id: boolean; loginUrl: boolean },
): EndpointForm {
  const next = { ...f, ...change };
  if (auto.id && change.name !== undefined) next.id = idFromName(next.name);
  if (
    auto.loginUrl &&
    (change.urls !== undefined || change.dialect !== undefined || change.authMethod !== undefined)
  ) {
    const suggested = suggestedLoginUrl(next.dialect, next.urls);
    if (suggested || !next.loginUrl) next.loginUrl = suggested;
  }
  return next;
}
