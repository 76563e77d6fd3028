/** Which proxy a URL goes through: the endpoint's setting or the host's system rules, as candidates in order. */
import { BlockList, isIP } from 'node:net';
import type { RouteSource } from '../../../shared/model/transport';

/** One way to reach a server, in the order to try them (a PAC file may list several). */
export type ProxyCandidate =
  | { kind: 'direct' }
  | {
      kind: 'http' | 'https';
      host: string;
      port: number;
      /** From the proxy URL itself (HTTPS_PROXY=http://user:pass@host): registered as a secret. */
      username?: string;
      password?: string;
    }
  /** SOCKS, QUIC…: named so the failure can say what it was. */
  | { kind: 'unsupported'; spec: string };

/** The candidates for one URL, who decided them and why (in words for Diagnostics). */
export interface ProxyDecision {
  candidates: ProxyCandidate[];
  source: RouteSource;
  why: string;
}

/**
 * The host's answer to "which proxy for this URL": Electron's session (system settings, PAC) in
 * the desktop app, the `*_PROXY` variables in the browser host. The URL is http(s) (a WebSocket
 * URL is asked as its http(s) twin, as Chromium does).
 */
export type SystemProxyResolver = (url: string) => Promise<ProxyDecision>;

/** No proxy at all: the default where a host provides none (and in tests, unless they ask). */
export const directResolver: SystemProxyResolver = async () => ({
  candidates: [{ kind: 'direct' }],
  source: 'system',
  why: 'no proxy configured',
});

/** `http://host:port` for display: never the credentials. */
export function describeCandidate(candidate: ProxyCandidate): string {
  switch (candidate.kind) {
    case 'direct':
      return 'direct';
    case 'unsupported':
      return candidate.spec;
    default:
      return `${candidate.kind}://${candidate.host.includes(':') ? `[${candidate.host}]` : candidate.host}:${candidate.port}`;
  }
}

/**
 * A proxy URL as the environment or the endpoint gives it: `http://[user:pass@]host[:port]`,
 * `https://…`, or a bare `host:port` (taken as http, as curl does). Other schemes (socks5://) are
 * named as unsupported. Throws on text that is no URL at all.
 */
export function parseProxyUrl(text: string): ProxyCandidate {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme);
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https')
    return { kind: 'unsupported', spec: `${scheme}://${url.host}` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error(`"${text}" names no proxy host`);
  return {
    kind: scheme,
    host,
    port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/**
 * Chromium's PAC-style answer, as `session.resolveProxy` gives it: `DIRECT`, `PROXY host:port`,
 * `HTTPS host:port`, `SOCKS5 host:port`… separated by `;`, tried in order. Unknown or malformed
 * entries are kept as unsupported (so the failure names them) rather than dropped.
 */
export function parsePacResult(result: string): ProxyCandidate[] {
  const out: ProxyCandidate[] = [];
  for (const part of result.split(';')) {
    const entry = part.trim();
    if (!entry) continue;
    const [kind = '', where = ''] = entry.split(/\s+/, 2);
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT') out.push({ kind: 'direct' });
    else if ((upper === 'PROXY' || upper === 'HTTPS') && where) {
      try {
        const parsed = parseProxyUrl(`${upper === 'HTTPS' ? 'https' : 'http'}://${where}`);
        out.push(parsed);
      } catch {
        out.push({ kind: 'unsupported', spec: entry });
      }
    } else out.push({ kind: 'unsupported', spec: entry });
  }
  return out.length ? out : [{ kind: 'direct' }];
}

/** Loopback names and addresses, never sent through a proxy from system or environment settings (as Chromium). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Whether `NO_PROXY` exempts this host: the rule that matched, or null. Entries are separated by
 * commas or spaces: `*` (everything), `example.com` or `.example.com` (the domain and its
 * subdomains), `*.example.com`, `host:port`, an IP address, or a CIDR block (`10.0.0.0/8`).
 */
export function noProxyMatch(host: string, port: number, noProxy: string): string | null {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    const rule = raw.trim().toLowerCase();
    if (!rule || rule === '<-loopback>') continue;
    if (rule === '*') return rule;
    if (rule.includes('/')) {
      const [net = '', bits = ''] = rule.split('/');
      const family = isIP(net);
      const hostFamily = isIP(h);
      if (family && family === hostFamily) {
        const list = new BlockList();
        try {
          list.addSubnet(net, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
          if (list.check(h, family === 6 ? 'ipv6' : 'ipv4')) return rule;
        } catch {
          // A malformed block matches nothing.
        }
      }
      continue;
    }
    let name = rule;
    let rulePort: number | null = null;
    const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(rule);
    if (bracketed) {
      name = bracketed[1] ?? '';
      rulePort = bracketed[2] ? Number(bracketed[2]) : null;
    } else if (/^[^:]+:\d+$/.test(rule)) {
      const i = rule.lastIndexOf(':');
      name = rule.slice(0, i);
      rulePort = Number(rule.slice(i + 1));
    }
    if (rulePort !== null && rulePort !== port) continue;
    name = name.replace(/^\*?\./, '');
    if (h === name || h.endsWith(`.${name}`)) return rule;
  }
  return null;
}

/**
 * The browser host's resolver: `https_proxy`/`HTTPS_PROXY` for https and wss, `http_proxy`/
 * `HTTP_PROXY` for http and ws, else `all_proxy`/`ALL_PROXY` (lower case first, as curl), minus
 * `no_proxy`/`NO_PROXY`. Loopback stays direct unless `NO_PROXY` holds `<-loopback>` (Chromium's
 * rule). Reads the given environment once, at creation: a host passes `process.env`, a test its own.
 */
export function environmentProxyResolver(
  env: Readonly<Record<string, string | undefined>>,
): SystemProxyResolver {
  const get = (name: string) => env[name.toLowerCase()] ?? env[name.toUpperCase()];
  const https = get('https_proxy');
  const http = get('http_proxy');
  const all = get('all_proxy');
  const noProxy = get('no_proxy') ?? '';
  const proxyLoopback = /(^|[\s,])<-loopback>($|[\s,])/i.test(noProxy);
  return async (url) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:' || target.protocol === 'wss:';
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || (secure ? 443 : 80));
    const [name, value] = secure
      ? https
        ? ['HTTPS_PROXY', https]
        : ['ALL_PROXY', all]
      : http
        ? ['HTTP_PROXY', http]
        : ['ALL_PROXY', all];
    if (!value)
      return {
        candidates: [{ kind: 'direct' }],
        source: 'environment',
        why: `no ${secure ? 'HTTPS_PROXY' : 'HTTP_PROXY'} or ALL_PROXY set`,
      };
    if (isLoopbackHost(host) && !proxyLoopback)
      return {
        candidates: [{ kind: 'direct' }],
        source: 'loopback',
        why: `${host} is this computer`,
      };
    const exempt = noProxyMatch(host, port, noProxy);
    if (exempt)
      return {
        candidates: [{ kind: 'direct' }],
        source: 'environment',
        why: `NO_PROXY matches ${exempt}`,
      };
    let candidate: ProxyCandidate;
    try {
      candidate = parseProxyUrl(value);
    } catch {
      candidate = { kind: 'unsupported', spec: `${name} (not a URL)` };
    }
    return { candidates: [candidate], source: 'environment', why: `${name} is set` };
  };
}
