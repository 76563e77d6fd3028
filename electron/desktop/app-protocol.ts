import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { RENDERER_CSP } from './security';

/**
 * The renderer is served from `app://lookout/` instead of `file://` (Electron's security checklist,
 * item 18): a page of our own origin, not one with file-system-wide privileges, which also lets the
 * `GrantFileProtocolExtraPrivileges` fuse go off. Only the built renderer folder is served; any
 * other host or path is a 404.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lookout';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page the window loads and the IPC gateway trusts. */
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/**
 * How the scheme is registered (before `ready`): standard (relative URLs and an origin of its own),
 * secure (a secure context: the clipboard API works), fetch and module scripts allowed, V8's code
 * cache on for faster starts. Never `bypassCSP`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: true,
    codeCache: true,
  },
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The `protocol.handle` handler for `app://`: files of `rendererDir` (inside the asar), with the
 * renderer's CSP. Never throws: a bad URL, another host, a path outside the folder or a missing
 * file is a 404 (a method other than GET/HEAD a 405).
 */
export function rendererFileHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = normalize(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405 });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return notFound();
    }
    if (path.includes('\0')) return notFound();
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep)) return notFound();
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': RENDERER_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
}
