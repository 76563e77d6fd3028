import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { decodePathOrNull, parseRequestTarget } from '../../shared/http/request-target';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The same strict policy the Electron window gets: our own scripts only, no eval, no framing. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Requests must name our loopback host (DNS-rebinding defence). */
export function isAllowedHost(host: string | undefined | null, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * The host a request names: the authority of an absolute-form target wins over the Host header
 * (RFC 9112 §3.2.2), so `GET http://evil.example/ HTTP/1.1` with a good Host is still refused.
 */
export function requestedHost(
  authority: string | null,
  hostHeader: string | undefined,
): string | undefined {
  return authority ?? hostHeader;
}

/**
 * Serves the built renderer from `root`, GET/HEAD only, no directory listings, no path escapes,
 * with security headers on every answer.
 */
export function staticHandler(root: string, port: () => number) {
  const base = normalize(root + sep);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const p = port();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    const target = parseRequestTarget(req.url);
    if (!target.ok) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`Bad request: ${target.reason}.`);
      return;
    }
    if (!isAllowedHost(requestedHost(target.authority, req.headers.host), p)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain' })
        .end('Wrong host: open Lookout at the address it printed.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodePathOrNull(target.path);
    // A bad escape, a NUL or a backslash (a path separator on Windows) never names one of our files.
    if (pathname === null || /[\0\\]/.test(pathname)) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request: not a file path.');
      return;
    }
    const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = normalize(join(base, rel));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': info.size,
        'Cache-Control': rel === 'index.html' ? 'no-store' : 'public, max-age=3600',
        ...(type.startsWith('text/html')
          ? { 'Content-Security-Policy': contentSecurityPolicy(p) }
          : {}),
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  };
}
