/**
 * Which key names carry secrets, wherever a key meets a value: HTTP headers, query parameters,
 * form fields, cookies and JSON fields. One rule for the redactor (logs, diagnostics, bundles),
 * the auth layer (which values to remember as secrets) and the model (which fields of server
 * data are never kept). Pure: imported by main and renderer alike.
 */

/** A name containing one of these (after lower-casing and dropping `-`, `_`, `.`) is a secret. */
const CONTAINS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'cookie',
  'authorization',
  'sessionid',
  'sessid',
  'csrf',
  'xsrf',
  'privatekey',
  'credential',
  'refresh',
];

/** Names that are secrets only when they are the whole name (`auth`, not `author`). */
const EXACT = new Set([
  'pwd',
  'pass',
  'auth',
  'session',
  'access',
  'jwt',
  'sid',
  'otp',
  'signature',
]);

/** Custom auth headers (`X-Auth`, `X-Auth-User-Token`…). */
const PREFIXES = ['xauth'];

/**
 * Where a name only says where or which a secret is, not what it is (`refreshUrl`,
 * `credentialRef`, `tokenType`, `passwordField`): the value is not a secret.
 */
const NOT_SECRET_SUFFIXES = ['url', 'uri', 'ref', 'type', 'field', 'method', 'expires', 'expiry'];

/** Normalised form: `X-Api_Key` → `xapikey`. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * Answers so far: the same few field names come with every event, and this runs for each field
 * of each business on the hot path. Bounded; cleared when full (a pure cache, not state).
 */
const known = new Map<string, boolean>();
const KNOWN_MAX = 4_096;

/** True when a value under this key name must be treated as a secret. */
export function isSecretName(name: string): boolean {
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const answer = decide(name);
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(name, answer);
  return answer;
}

function decide(name: string): boolean {
  const n = normalise(name);
  if (n.length === 0 || n.length > 64) return false;
  if (NOT_SECRET_SUFFIXES.some((s) => n.endsWith(s) && n.length > s.length)) return false;
  if (EXACT.has(n)) return true;
  if (PREFIXES.some((p) => n.startsWith(p))) return true;
  return CONTAINS.some((c) => n.includes(c));
}

/**
 * Query parameters are named more tersely than fields: `?key=` and `?auth=` carry API keys and
 * tokens on many services, so they are secrets there too.
 */
export function isSecretQueryName(name: string): boolean {
  const n = normalise(name);
  return n === 'key' || n === 'k' || isSecretName(name);
}
