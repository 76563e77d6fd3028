import { isSecretName, isSecretQueryName } from '../../../shared/util/secret-names';

/**
 * Redaction for everything that leaves the connection engine for humans: diagnostics, the frame
 * log, support bundles and log files. Secrets are removed
 * - by exact value: every secret the app holds is registered (passwords, tokens, refresh tokens,
 *   cookies, CSRF tokens, secret headers of the config), whatever its shape;
 * - by key name (`shared/util/secret-names.ts`): headers, query parameters, form fields, cookies,
 *   JSON fields (also escaped inside another JSON string), `Name: value` lines;
 * - by shape: JWTs, `Bearer`/`Basic` values, the password of URL user-info.
 * Anything cut for a preview is redacted first and cut afterwards (`preview`), so no part of a
 * secret survives at the cut.
 */

export const REDACTED = '[redacted]';

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{0,}/g;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi;
/** `scheme://user:password@host`: the password goes, the user and host stay. */
const USER_INFO = /\b([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s/?#@:"'\\]*):([^\s/?#@"'\\]*)@/gi;
/** `"key": "value"` (or a number), the closing quote optional: a preview may end inside it. */
const JSON_FIELD = /"([A-Za-z0-9_.-]{1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|-?\d[\d.eE+-]*)/g;
/** The same inside a JSON string: `\"key\":\"value\"`. */
const ESCAPED_JSON_FIELD = /\\"([A-Za-z0-9_.-]{1,64})\\"(\s*:\s*)(\\"(?:[^"\\]|\\[^"])*(?:\\")?)/g;
/** `key=value` in query strings, form bodies, cookies and free text. */
const PAIR = /([A-Za-z0-9_.-]{1,64})=([^&;\s"',<>\\]+)/g;
/** `Name: value` header lines (the value runs to the end of the line or string). */
const HEADER_LINE = /(^|[\s{[(,])([A-Za-z][A-Za-z0-9-]{1,63})(\s*:[ \t]*)([^\r\n"\\]+)/g;

/** Auth schemes: the credential is the word after them. */
const AUTH_SCHEME = /^(Bearer|Basic|Token|Digest|Negotiate|NTLM)$/i;

/**
 * The value of a secret-named header line with its secret removed: all of a cookie list, else the
 * first word (two after an auth scheme), so the rest of a one-line message stays readable.
 */
function headerValueRedacted(key: string, value: string): string {
  if (/cookie/i.test(key)) return REDACTED;
  const words = value.split(/(\s+)/);
  const secretWords = AUTH_SCHEME.test(words[0] ?? '') ? 3 : 1;
  const rest = words.slice(secretWords).join('');
  return words[0] === REDACTED && secretWords === 1 ? value : `${REDACTED}${rest}`;
}

/** Known secrets shorter than this are not matched by value (too many false hits). */
const MIN_SECRET = 4;
/** How far past a preview's end is kept so a secret that straddles the cut is still seen whole. */
export const PREVIEW_MARGIN = 2_048;

/** A redactor that also knows exact secret values seen at run time (tokens, passwords, cookies). */
export class Redactor {
  private readonly known = new Set<string>();
  private longest = 0;

  /** Remember a secret so any later text containing it is scrubbed, whatever its shape. */
  addSecret(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET || this.known.has(value)) return;
    this.known.add(value);
    this.longest = Math.max(this.longest, value.length);
    // A cookie header also carries each cookie's value on its own (`sessionid=…; csrftoken=…`).
    if (value.includes('=')) {
      for (const part of value.split(';')) {
        const i = part.indexOf('=');
        if (i > 0) this.addSecret(part.slice(i + 1).trim());
      }
    }
  }

  /** How many characters past a preview's end must be kept to redact it before cutting. */
  get previewMargin(): number {
    return Math.max(PREVIEW_MARGIN, this.longest);
  }

  /** Scrub a free-form string. */
  text(input: string): string {
    let out = input;
    for (const secret of this.known) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    if (out.length === 0) return out;
    return out
      .replace(JWT, REDACTED)
      .replace(BEARER, `$1 ${REDACTED}`)
      .replace(USER_INFO, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
      .replace(JSON_FIELD, (m, key: string, colon: string) =>
        isSecretName(key) ? `"${key}"${colon}"${REDACTED}"` : m,
      )
      .replace(ESCAPED_JSON_FIELD, (m, key: string, colon: string) =>
        isSecretName(key) ? `\\"${key}\\"${colon}\\"${REDACTED}\\"` : m,
      )
      .replace(PAIR, (m, key: string) => (isSecretQueryName(key) ? `${key}=${REDACTED}` : m))
      .replace(HEADER_LINE, (m, lead: string, key: string, colon: string, value: string) =>
        isSecretName(key) ? `${lead}${key}${colon}${headerValueRedacted(key, value)}` : m,
      );
  }

  /**
   * At most `max` characters of `input` (plus `…` when cut) with every secret removed: the text is
   * redacted first, with enough beyond the cut to see a straddling secret whole, and cut after.
   * `totalLength` is the length of the text `input` was taken from, when the caller kept only its
   * head. Whatever remains at the cut that begins a known secret (one registered after the head
   * was kept and too long for it) is removed as well.
   */
  preview(input: string, max: number, totalLength = input.length): string {
    const window =
      input.length > max + this.previewMargin ? input.slice(0, max + this.previewMargin) : input;
    const redacted = this.text(window);
    const cut = redacted.length > max || totalLength > window.length;
    if (!cut) return redacted;
    return `${this.withoutSecretPrefixAtEnd(redacted.slice(0, max))}…`;
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
        if (isSecretQueryName(key)) u.searchParams.set(key, REDACTED);
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
      out[key] = isSecretName(key) ? REDACTED : this.text(joined);
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
          isSecretName(key) && (typeof v === 'string' || typeof v === 'number')
            ? REDACTED
            : this.value(v, depth + 1);
      }
      return out;
    }
    return input;
  }

  /** Replace a trailing beginning (≥ 4 characters) of any known secret. */
  private withoutSecretPrefixAtEnd(text: string): string {
    let cutAt = text.length;
    for (const secret of this.known) {
      const first = secret.charAt(0);
      const from = Math.max(0, text.length - secret.length + 1);
      for (
        let i = text.indexOf(first, from);
        i >= 0 && i <= text.length - MIN_SECRET;
        i = text.indexOf(first, i + 1)
      ) {
        if (i < cutAt && secret.startsWith(text.slice(i))) {
          cutAt = i;
          break;
        }
      }
    }
    return cutAt === text.length ? text : `${text.slice(0, cutAt)}${REDACTED}`;
  }
}
