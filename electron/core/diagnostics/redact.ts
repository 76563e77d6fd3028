/**
 * Redaction for everything that leaves the connection engine for humans: diagnostics, the frame
 * log, support bundles and log files. Secrets are removed by key name (token, password, cookie…),
 * by shape (JWTs, bearer values) and by exact value (secrets registered at run time).
 */

const SECRET_KEY =
  /(token|secret|password|passwd|pwd|authorization|cookie|session|api[-_]?key|credential|refresh|access)/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{0,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const QUERY_SECRET =
  /([?&](?:token|access_token|auth|key|api_key|password|sessionid|jwt)=)[^&#\s"']*/gi;
const COOKIE_PAIR = /\b(sessionid|csrftoken|token|session)=([^;\s"']+)/gi;

export const REDACTED = '[redacted]';

/** A redactor that also knows exact secret values seen at run time (tokens, passwords, cookies). */
export class Redactor {
  private readonly known = new Set<string>();

  /** Remember a secret so any later text containing it is scrubbed, whatever its shape. */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 4) this.known.add(value);
  }

  /** Scrub a free-form string. */
  text(input: string): string {
    let out = input;
    for (const secret of this.known) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out
      .replace(JWT, REDACTED)
      .replace(BEARER, `$1 ${REDACTED}`)
      .replace(QUERY_SECRET, `$1${REDACTED}`)
      .replace(COOKIE_PAIR, `$1=${REDACTED}`);
  }

  /** A URL with secret query parameters and user info removed. */
  url(input: string): string {
    try {
      const u = new URL(input);
      if (u.username || u.password) {
        u.username = '';
        u.password = '';
      }
      for (const key of [...u.searchParams.keys()]) {
        if (SECRET_KEY.test(key)) u.searchParams.set(key, REDACTED);
      }
      return this.text(u.toString());
    } catch {
      return this.text(input);
    }
  }

  /** Headers with secret-named values replaced. */
  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const joined = Array.isArray(value) ? value.join(', ') : value;
      out[key] = SECRET_KEY.test(key) || /^set-cookie$/i.test(key) ? REDACTED : this.text(joined);
    }
    return out;
  }

  /** Deep copy of a JSON-like value with secret-named keys and secret-shaped strings scrubbed. */
  value(input: unknown, depth = 0): unknown {
    if (depth > 32) return '[too deep]';
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(input as Record<string, unknown>)) {
        out[key] =
          SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number')
            ? REDACTED
            : this.value(v, depth + 1);
      }
      return out;
    }
    return input;
  }
}
