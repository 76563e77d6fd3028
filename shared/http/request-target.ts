/**
 * The request target of an HTTP request (`req.url`), read without ever throwing.
 *
 * `new URL(req.url, base)` throws on `//`, `/\` and friends, and a throw inside an async request
 * handler is an unhandled rejection that ends the process: one request line killed the gateway
 * and both hosts. Every server of ours reads its targets through this function instead.
 *
 * The path is kept exactly as sent (not decoded, no dot segments removed, `\` not turned into
 * `/`), so routes compare it as a plain string and `/health/../stats` is not `/stats`. The
 * absolute form (`http://host/path`, RFC 9112 §3.2.2) is accepted, with its authority returned
 * for the caller's Host checks; `*`, the authority form and other schemes are refused.
 */
export type RequestTarget =
  | {
      ok: true;
      /** The path as sent, starting with `/`. */
      path: string;
      /** The query string without `?` ('' when none). */
      rawQuery: string;
      /** The authority of an absolute-form target (`host:port`), else null. */
      authority: string | null;
    }
  | { ok: false; reason: string };

const ABSOLUTE = /^(https?):\/\/([^/?#]*)(.*)$/is;

/** Split a request target; never throws. */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  if (!target) return { ok: false, reason: 'the request has no target' };
  let authority: string | null = null;
  let rest = target;
  if (!target.startsWith('/')) {
    const absolute = ABSOLUTE.exec(target);
    if (!absolute || !absolute[2]) {
      return {
        ok: false,
        reason: 'the request target must be a path such as /health (or an absolute http URL)',
      };
    }
    authority = absolute[2];
    rest = absolute[3] ?? '';
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  if (rest.includes('#')) return { ok: false, reason: 'a request target has no #fragment' };
  const q = rest.indexOf('?');
  return q < 0
    ? { ok: true, path: rest, rawQuery: '', authority }
    : { ok: true, path: rest.slice(0, q), rawQuery: rest.slice(q + 1), authority };
}

/** The query parameters of a target (lenient: a bad escape stays as sent, never throws). */
export function queryParams(rawQuery: string): URLSearchParams {
  return new URLSearchParams(rawQuery);
}

/** `decodeURIComponent` that answers null for a malformed escape (`/%`, `/%E0%A4%A`) instead of throwing. */
export function decodePathOrNull(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
