/** `agentFetch`: `fetch` over a given agent, so HTTP calls take the same route and TLS as the socket. */
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Answers larger than this are cut off with an error (sign-in and probe answers are small). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * `fetch` over Node's http/https with a given agent, so sign-in, refresh, probes and checks go the
 * same way as the WebSocket (Node's built-in fetch takes no agent, and undici's proxy support is
 * not in Node 20). It answers a real `Response`; it supports what the core uses (method, headers,
 * a string or form body, `redirect`, `signal`), and rejects with the transport's own error (a
 * `TransportError` that explains a proxy or certificate problem), not a bare "fetch failed".
 */
export function agentFetch(agentFor: (url: URL) => Agent): typeof fetch {
  const doFetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    let body = bodyOf(init.body);
    const headers = new Headers(
      init.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    if (body && !headers.has('content-type') && init.body instanceof URLSearchParams)
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    for (let hop = 0; ; hop += 1) {
      const res = await send(url, method, headers, body, agentFor(url), init.signal ?? undefined);
      const location = res.headers.get('location');
      const redirect = init.redirect ?? 'follow';
      if (res.status < 300 || res.status > 399 || !location || redirect === 'manual') return res;
      if (redirect === 'error')
        throw new TypeError(`redirected to ${location}, and redirects are refused`);
      if (hop >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      // As browsers: 303 (and 301/302 after a POST) continue as GET without a body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      // Credentials never follow a redirect to another origin.
      if (next.origin !== url.origin) {
        headers.delete('authorization');
        headers.delete('cookie');
      }
      url = next;
    }
  };
  return doFetch as typeof fetch;
}

function bodyOf(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('this fetch sends string, form or byte bodies only');
}

function send(
  url: URL,
  method: string,
  headers: Headers,
  body: Buffer | undefined,
  agent: Agent,
  signal: AbortSignal | undefined,
): Promise<Response> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new TypeError(`cannot fetch ${url.protocol} URLs`));
  const outgoing: Record<string, string> = {};
  headers.forEach((value, key) => {
    outgoing[key] = value;
  });
  if (body) outgoing['content-length'] = String(body.length);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const req = request(url, { method, headers: outgoing, agent });
    const onAbort = () => req.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.once('error', (error) => {
      done();
      reject(error);
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', (error) => {
        done();
        reject(error);
      });
      res.once('end', () => {
        done();
        const status = res.statusCode ?? 0;
        const noBody = status === 204 || status === 304 || method === 'HEAD';
        try {
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            responseHeaders.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
          resolve(
            new Response(noBody ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.end(body);
  });
}
