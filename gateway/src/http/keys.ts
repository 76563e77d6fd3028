import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from './http-util';

/** A set of secret keys (API keys, operator keys), compared in constant time per candidate. */
export class KeySet {
  private readonly keys: Buffer[];

  constructor(keys: readonly string[]) {
    this.keys = keys.filter((k) => k.length > 0).map((k) => Buffer.from(k));
  }

  get size(): number {
    return this.keys.length;
  }

  /** Does the request present one of these keys? */
  admits(req: IncomingMessage): boolean {
    return this.matches(presentedKey(req));
  }

  matches(presented: string | undefined): boolean {
    if (!presented) return false;
    const given = Buffer.from(presented);
    return this.keys.some((k) => k.length === given.length && timingSafeEqual(k, given));
  }
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key`. */
export function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  return bearerToken(req.headers.authorization) ?? (Array.isArray(header) ? header[0] : header);
}
